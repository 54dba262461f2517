package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParentReportsTest {

  @Test
  void aSummaryReadsItsOwnReportsOfNodesStillInTheCluster() {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(new ObjectMetaBuilder().withName("one").withUid("uid-now").build());
    DockerNetworkNodeState own = report("node-a", "uid-now");
    DockerNetworkNodeState ofAnEarlierOne = report("node-b", "uid-before");
    DockerNetworkNodeState ofADepartedNode = report("node-c", "uid-now");
    DockerNetworkNodeState noStatusYet = report(null, "uid-now");

    List<NetworkReport> read =
        ParentReports.of(
            dn,
            List.of(own, ofAnEarlierOne, ofADepartedNode, noStatusYet),
            List.of(node("node-a"), node("node-b")));

    assertThat(read).containsExactly(own.getStatus());
  }

  private static DockerNetworkNodeState report(String node, String ownerUid) {
    DockerNetworkNodeState r = new DockerNetworkNodeState();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName("one." + node)
            .withOwnerReferences(
                new OwnerReferenceBuilder().withName("one").withUid(ownerUid).build())
            .build());
    if (node != null) {
      NetworkReport s = new NetworkReport();
      s.nodeName = node;
      r.setStatus(s);
    }
    return r;
  }

  private static Node node(String name) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
  }
}
