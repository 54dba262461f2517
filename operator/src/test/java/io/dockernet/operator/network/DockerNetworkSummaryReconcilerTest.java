package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkStatus;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.SelectedNodes;
import io.dockernet.operator.status.NodeSummary;
import io.dockernet.operator.testbed.Fixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DockerNetworkSummaryReconcilerTest {

  private static final Set<String> AB = Set.of("node-a", "node-b");

  private final DockerNetwork dn = Fixtures.storedNetwork("mynetwork", "172.18.0.0/24");

  @Test
  void theSummaryCountsTheSelectedNodesAndNamesTheNetwork() {
    DockerNetworkStatus s =
        DockerNetworkSummaryReconciler.summarise(
            dn,
            List.of(report("node-a", Phase.Ready), report("node-b", Phase.Pending)),
            new SelectedNodes(AB, List.of("node-c")),
            AB);
    assertThat(s.ready).isEqualTo("1/2");
    assertThat(s.desiredNodes).isEqualTo(2);
    assertThat(s.networkName).isEqualTo("mynetwork");
    assertThat(s.nodesWithoutAgent).containsExactly("node-c");
    assertThat(s.observedGeneration).isEqualTo(1L);
  }

  @Test
  void aStatusIsWrittenOnlyWhenTheReportsChangeIt() {
    List<NetworkReport> reports =
        List.of(report("node-a", Phase.Ready), report("node-b", Phase.Ready));
    SelectedNodes selected = new SelectedNodes(AB, List.of());
    dn.setStatus(DockerNetworkSummaryReconciler.summarise(dn, reports, selected, AB));

    DockerNetworkStatus again = DockerNetworkSummaryReconciler.summarise(dn, reports, selected, AB);
    assertThat(NodeSummary.changes(dn.getStatus(), again)).isFalse();

    DockerNetworkStatus moved =
        DockerNetworkSummaryReconciler.summarise(
            dn, List.of(report("node-a", Phase.Ready)), selected, AB);
    assertThat(NodeSummary.changes(dn.getStatus(), moved)).isTrue();
  }

  private static NetworkReport report(String node, Phase phase) {
    NetworkReport r = new NetworkReport();
    r.nodeName = node;
    r.phase = phase;
    r.reason = phase.toString();
    r.message = phase + " on " + node;
    r.observedGeneration = 1L;
    return r;
  }
}
