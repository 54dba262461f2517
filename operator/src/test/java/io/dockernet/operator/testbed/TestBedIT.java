package io.dockernet.operator.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test bed is real: a live API server, and node daemons isolated from each other like hosts.
 */
@ExtendWith(TestBedExtension.class)
class TestBedIT {

  private static final String NETWORK = "testbed-net";
  private static final String SUBNET = "198.18.10.0/24";
  private static final String BRIDGE = "dnt1";

  private final TestBed bed;

  TestBedIT(TestBed bed) {
    this.bed = bed;
  }

  @BeforeEach
  void cleanBefore() {
    bed.cleanDocker();
  }

  @AfterEach
  void cleanAfter() {
    bed.cleanDocker();
  }

  @Test
  void apiServerAnswersAndHasANodeObjectPerDaemon(KubernetesClient client) {
    assertThat(client.getKubernetesVersion().getGitVersion())
        .isEqualTo("v" + System.getProperty("kube.version", "1.34.4"));

    List<Node> nodes = client.nodes().withLabel(TestBed.NODE_LABEL, "true").list().getItems();

    assertThat(nodes)
        .extracting(node -> node.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(bed.nodeNames());
    assertThat(bed.nodeNames()).hasSizeGreaterThanOrEqualTo(2).contains("node-a", "node-b");
    assertThat(nodes)
        .allSatisfy(
            node ->
                assertThat(node.getStatus().getConditions())
                    .anySatisfy(
                        condition -> {
                          assertThat(condition.getType()).isEqualTo("Ready");
                          assertThat(condition.getStatus()).isEqualTo("True");
                        }));
  }

  @Test
  void aNetworkOnOneNodeIsAbsentOnAnotherWhichCanCreateTheSameOne() {
    DockerClient nodeA = bed.node("node-a").docker();
    DockerClient nodeB = bed.node("node-b").docker();

    String onA = createNetwork(nodeA);

    assertThat(nodeA.inspectNetworkCmd().withNetworkId(onA).exec().getOptions())
        .containsEntry("com.docker.network.bridge.name", BRIDGE);
    assertThat(nodeB.listNetworksCmd().exec()).extracting(Network::getName).doesNotContain(NETWORK);
    // Each node's bridges live in its own network namespace, not in the test's.
    assertThat(Files.exists(Path.of("/sys/class/net", BRIDGE))).isFalse();

    // Same subnet, same bridge name: fine, as on two separate hosts.
    String onB = createNetwork(nodeB);

    assertThat(onB).isNotEqualTo(onA);
    assertThat(nodeB.inspectNetworkCmd().withNetworkId(onB).exec().getIpam().getConfig())
        .extracting(Network.Ipam.Config::getSubnet)
        .containsExactly(SUBNET);
  }

  @Test
  void eachNodeRunsTheEngineTheTestBedChoseAndTheFloorNodesRefuseOldClients() throws Exception {
    assertThat(bed.onePerEngine()).hasSizeGreaterThanOrEqualTo(2);
    for (TestNode node : bed.nodes().values()) {
      var version = node.docker().versionCmd().exec();
      assertThat(version.getVersion()).as(node.name()).startsWith(node.engineVersion());
      Process p =
          new ProcessBuilder(
                  "curl", "-s", "--unix-socket", node.socket().toString(), "http://d/v1.41/version")
              .redirectErrorStream(true)
              .start();
      String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      if (node.refusesApiBelow144()) {
        assertThat(answer)
            .as(node.name())
            .contains("client version 1.41 is too old. Minimum supported API version is 1.44");
      } else {
        assertThat(answer).as(node.name()).contains("\"ApiVersion\"");
      }
    }
  }

  @Test
  void aBusyboxContainerRunsOnANodeAndGetsAnAddress() {
    for (String node : bed.onePerEngine()) {
      DockerClient nodeA = bed.node(node).docker();
      createNetwork(nodeA);

      String id =
          nodeA
              .createContainerCmd(TestBed.IMAGE)
              .withName("testbed-busybox")
              .withHostConfig(HostConfig.newHostConfig().withNetworkMode(NETWORK))
              .exec()
              .getId();
      nodeA.startContainerCmd(id).exec();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                InspectContainerResponse container = nodeA.inspectContainerCmd(id).exec();
                assertThat(container.getState().getRunning()).isTrue();
                Map<String, ContainerNetwork> networks =
                    container.getNetworkSettings().getNetworks();
                assertThat(networks).containsKey(NETWORK);
                assertThat(networks.get(NETWORK).getIpAddress()).startsWith("198.18.10.");
              });
    }
  }

  @Test
  void aRestartedNodeDaemonKeepsItsNetworks() {
    for (String node : bed.onePerEngine()) {
      String id = createNetwork(bed.node(node).docker());

      TestNode restarted = bed.restartNodeDaemon(node);

      assertThat(restarted.docker().inspectNetworkCmd().withNetworkId(id).exec().getOptions())
          .containsEntry("com.docker.network.bridge.name", BRIDGE);
      assertThat(bed.node(node).docker()).isSameAs(restarted.docker());
      assertThat(restarted.engine()).isEqualTo(bed.nodes().get(node).engine());
    }
  }

  private static String createNetwork(DockerClient docker) {
    return docker
        .createNetworkCmd()
        .withName(NETWORK)
        .withDriver("bridge")
        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(SUBNET)))
        .withOptions(Map.of("com.docker.network.bridge.name", BRIDGE))
        .exec()
        .getId();
  }
}
