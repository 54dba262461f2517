package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes cut off and restored. node-b loses its connection to the API server (a relay that drops
 * everything, as a node whose network fails: silence, not refusal); at the same time node-d's
 * Docker daemon hangs (SIGSTOP: the socket accepts, nothing answers). Meanwhile objects are
 * created, changed and deleted and a managed network is removed by hand on node-b. Each node says
 * what it can, the others converge, deletion waits for the nodes that had the network, and once
 * both are back everything converges with nothing duplicated, leaked or touched that is not the
 * operator's. Subnets 198.18.220-221.x.
 */
@ExtendWith(TestBedExtension.class)
class NodeCutOffIT {

  private static final String PARTITIONED = "node-b";
  private static final String FROZEN = "node-d";
  private static final Pattern SERVER = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)");
  @RegisterExtension static final FaultBed fault = new FaultBed("fault-node-cut-off");
  private static PartitionProxy proxy;

  @BeforeAll
  static void start() {
    Matcher m = SERVER.matcher(fault.bed().kubeConfigYaml());
    assertThat(m.find()).isTrue();
    proxy = fault.closeAtEnd(PartitionProxy.start(Integer.parseInt(m.group(1))));
    String viaProxy =
        fault.bed().kubeConfigYaml().replace(m.group(), "https://127.0.0.1:" + proxy.port());
    fault.startController();
    for (TestNode n : fault.bed().nodes().values()) {
      fault
          .agents()
          .startAgent(
              n.name(),
              n.dockerHost(),
              n.name().equals(PARTITIONED) ? viaProxy : fault.bed().kubeConfigYaml());
    }
  }

  /** Both nodes back before the objects are deleted: the cut-off ones hold finalizers. */
  @AfterAll
  static void restoreNodes() throws Exception {
    signal("CONT", FROZEN);
    if (proxy != null) {
      proxy.restore();
    }
  }

  @Test
  void nodesCutOffFromTheApiServerOrTheirDaemonCatchUpOnceRestored() throws Exception {
    fault.bed().nodes().values().forEach(FaultSupport::createForeignObjects);
    FaultSupport.runManagedContainer(fault.bed().node(PARTITIONED), "m-web");
    for (int i = 0; i < 4; i++) {
      fault.kube().resource(Fixtures.network(name(i), FaultSubnets.subnet(220, i))).create();
    }
    fault
        .kube()
        .resource(
            Fixtures.attachment(
                "m-web-" + name(0),
                "m-web",
                name(0),
                FaultSubnets.address(FaultSubnets.subnet(220, 0), 20),
                "m-web"))
        .create();
    FaultSupport.awaitConverged(fault.kube(), fault.bed().nodes(), Set.of(), Duration.ofMinutes(2));
    // An admin's containers on the network changed while the nodes are cut off: the cut-off
    // agent cannot save a replacement's journal and the frozen daemon answers nothing.
    Set<String> handAttached = new HashSet<>();
    for (String node : List.of(PARTITIONED, FROZEN, "node-a")) {
      handAttached.addAll(
          FaultSupport.unmanagedOn(
              fault.bed().node(node),
              name(1),
              FaultSubnets.address(FaultSubnets.subnet(220, 1), 10)));
    }
    Map<String, EndpointsKept.Endpoint> endpoints =
        EndpointsKept.snapshot(fault.bed().nodes(), FaultSupport.UNMANAGED_ON_MANAGED);
    Map<String, Map<String, String>> before =
        FaultSupport.foreignSnapshot(fault.bed().nodes(), Set.of());

    proxy.cut();
    signal("STOP", FROZEN);
    try {
      fault.kube().resource(Fixtures.network(name(4), FaultSubnets.subnet(220, 4))).create();
      Fixtures.label(fault.kube(), name(1), "tier", "changed-while-cut-off");
      fault.kube().resources(DockerNetwork.class).withName(name(2)).delete();
      fault.bed().node(PARTITIONED).docker().removeNetworkCmd(name(3)).exec();

      // The cut-off agent still repairs its own node from what it knows.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> dockerNetwork(fault.bed().node(PARTITIONED), name(3)).isPresent());
      // The nodes that can work converge, and the hung daemon's node says why it cannot.
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                for (String node : List.of("node-a", "node-c", "node-e")) {
                  for (String net : List.of(name(1), name(4))) {
                    NetworkReport r =
                        report(net, node)
                            .orElseThrow(() -> new AssertionError("no report " + net + "@" + node));
                    assertThat(r.phase).as(net + "@" + node).isEqualTo(Phase.Ready);
                    assertThat(r.observedGeneration)
                        .isEqualTo(
                            fault
                                .kube()
                                .resources(DockerNetwork.class)
                                .withName(net)
                                .get()
                                .getMetadata()
                                .getGeneration());
                  }
                }
                NetworkReport hung =
                    report(name(4), FROZEN)
                        .orElseThrow(() -> new AssertionError("no report from " + FROZEN));
                assertThat(hung.phase).isEqualTo(Phase.Error);
                assertThat(hung.reason).isEqualTo("DockerUnavailable");
              });
      // Deletion waits for the nodes that had the network and could not clean up yet.
      DockerNetwork deleting = fault.kube().resources(DockerNetwork.class).withName(name(2)).get();
      assertThat(deleting).as("%s while two nodes cannot act", name(2)).isNotNull();
      assertThat(deleting.getMetadata().getFinalizers())
          .contains(Keys.NODE_FINALIZER_PREFIX + PARTITIONED, Keys.NODE_FINALIZER_PREFIX + FROZEN);
    } finally {
      signal("CONT", FROZEN);
      proxy.restore();
    }

    FaultSupport.awaitConverged(
        fault.kube(), fault.bed().nodes(), handAttached, Duration.ofMinutes(3));
    assertThat(fault.kube().resources(DockerNetwork.class).list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder(name(0), name(1), name(3), name(4));
    FaultSupport.assertForeignUnchanged(before, fault.bed().nodes(), Set.of());
    assertThat(
            EndpointsKept.lostOrChanged(
                endpoints,
                EndpointsKept.snapshot(fault.bed().nodes(), FaultSupport.UNMANAGED_ON_MANAGED)))
        .as("endpoints of containers the operator does not manage")
        .isEmpty();
  }

  private static Optional<NetworkReport> report(String network, String node) {
    return fault
        .kube()
        .resources(DockerNetworkNodeState.class)
        .withLabel(Keys.DOCKER_NETWORK_LABEL, network)
        .list()
        .getItems()
        .stream()
        .map(DockerNetworkNodeState::getStatus)
        .filter(s -> s != null && node.equals(s.nodeName))
        .findFirst();
  }

  private static Optional<com.github.dockerjava.api.model.Network> dockerNetwork(
      TestNode node, String name) {
    return node.docker().listNetworksCmd().withNameFilter(name).exec().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst();
  }

  /** kill -SIGNAL the node's dockerd (pidfile of hack/nodes.sh). */
  private static void signal(String signal, String node) throws IOException, InterruptedException {
    String pid =
        Files.readString(fault.bed().node(node).socket().resolveSibling("dockerd.pid")).trim();
    Process p = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    assertThat(p.waitFor()).as("kill -%s %s", signal, pid).isZero();
  }

  private static String name(int i) {
    return "cut-" + i;
  }
}
