package io.dockernet.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node guard's settings as the chart passes them to the agent. */
class NodePolicyTest {

  @Test
  void nothingSetIsTheSafeDefault() {
    assertThat(NodePolicy.from(Map.of())).isEqualTo(NodePolicy.DEFAULTS);
    assertThat(
            NodePolicy.from(
                Map.of(
                    "DOCKERNET_ALLOWED_PARENT_INTERFACES", "",
                    "DOCKERNET_CLUSTER_CIDRS", "",
                    "DOCKERNET_ALLOW_RECREATE_OF_DOCKER_NETWORKS", "false")))
        .isEqualTo(NodePolicy.DEFAULTS);
  }

  @Test
  void readsListsFlagsAndTheHostNetworkDirectory() {
    NodePolicy policy =
        NodePolicy.from(
            Map.of(
                "DOCKERNET_ALLOWED_PARENT_INTERFACES", "eth1, bond0",
                "DOCKERNET_CLUSTER_CIDRS", "10.96.0.0/12,10.244.0.0/16",
                "DOCKERNET_ALLOW_RECREATE_OF_DOCKER_NETWORKS", "true",
                "DOCKERNET_HOST_NET_DIR", "/proc/1/net"));

    assertThat(policy.allowedParentInterfaces()).containsExactlyInAnyOrder("eth1", "bond0");
    assertThat(policy.clusterCidrs()).containsExactly("10.96.0.0/12", "10.244.0.0/16");
    assertThat(policy.allowRecreateOfDockerNetworks()).isTrue();
    assertThat(policy.hostNetDir()).isEqualTo(Path.of("/proc/1/net"));
  }

  @Test
  void aFlagThatIsNeitherTrueNorFalseStopsTheAgentAtStart() {
    assertThatThrownBy(
            () -> NodePolicy.from(Map.of("DOCKERNET_ALLOW_RECREATE_OF_DOCKER_NETWORKS", "yes")))
        .hasMessageContaining("must be true or false, not 'yes'");
  }
}
