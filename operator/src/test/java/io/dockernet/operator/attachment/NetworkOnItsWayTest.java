package io.dockernet.operator.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkStatus;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.testbed.Fixtures;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When an attachment waits for its network instead of reporting that it is not on the node. */
class NetworkOnItsWayTest {

  private static final Map<String, String> NODE_A = Map.of("kubernetes.io/hostname", "node-a");

  @Test
  void aSelectingNetworkNotYetOnDockerNorReportedIsOnItsWay() {
    assertThat(onItsWay(Fixtures.network("net", "198.18.47.0/24"), false)).isTrue();
  }

  @Test
  void aNetworkAlreadyOnDockerIsNot() {
    assertThat(onItsWay(Fixtures.network("net", "198.18.47.0/24"), true)).isFalse();
  }

  /** The node's report says why the network is not there (it failed): the attachment says so. */
  @Test
  void aNetworkTheNodeReportedOnIsNot() {
    DockerNetwork dn = Fixtures.network("net", "198.18.47.0/24");
    NodeReport failed = new NodeReport();
    failed.nodeName = "node-a";
    dn.setStatus(new DockerNetworkStatus());
    dn.getStatus().nodes = List.of(failed);

    assertThat(onItsWay(dn, false)).isFalse();
  }

  @Test
  void aNetworkThatDoesNotSelectTheNodeIsNot() {
    DockerNetwork dn = Fixtures.network("net", "198.18.47.0/24");
    dn.getSpec().nodeSelector =
        new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/hostname", "node-b").build();

    assertThat(onItsWay(dn, false)).isFalse();
  }

  @Test
  void aDeletingOrMissingNetworkIsNot() {
    DockerNetwork deleting = Fixtures.network("net", "198.18.47.0/24");
    deleting.getMetadata().setDeletionTimestamp("2026-12-03T00:00:00Z");

    assertThat(onItsWay(deleting, false)).isFalse();
    assertThat(onItsWay(null, false)).isFalse();
  }

  private static boolean onItsWay(DockerNetwork dn, boolean onDocker) {
    return NetworkOnItsWay.test(dn, "node-a", NODE_A, name -> onDocker);
  }
}
