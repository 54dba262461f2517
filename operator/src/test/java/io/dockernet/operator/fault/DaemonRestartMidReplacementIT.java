package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.docker.WritesGateway;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node's daemon restarts in the middle of a network replacement, at the worst moment, on Engine
 * 20.10 and on 28.5.2: its containers are killed first (as {@code hack/nodes.sh restart-node} does,
 * and as a host shutting down does), the agent's pass dies with the daemon, and the daemon comes
 * back after the old network is removed and before the new one exists, starting its containers as
 * their restart policy says. Every container the operator does not manage is then running on the
 * new network with its static address and aliases. (Found by DaemonRestartDuringBulkApplyIT, where
 * the timing is left to chance: a stopped container still configured on the removed network could
 * not start, and stayed stopped.) Subnets 198.18.244.x.
 */
@ExtendWith(TestBedExtension.class)
class DaemonRestartMidReplacementIT {

  @RegisterExtension static final FaultBed fault = new FaultBed("fault-restart-mid-replace");

  @BeforeAll
  static void start() {
    fault.startController();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"node-a", "node-b"})
  void containersStoppedAndStartedByTheirDaemonComeBackRunning(String node) {
    String network = "rmr-" + node;
    String subnet = FaultSubnets.subnet(244, node.equals("node-a") ? 0 : 1);
    RestartMidReplacement restart = new RestartMidReplacement(node, network);
    fault
        .agents()
        .startAgent(
            node,
            fault.bed().node(node).dockerHost(),
            fault.bed().kubeConfigYaml(),
            restart::around,
            DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL);
    fault.kube().resource(Fixtures.onNode(Fixtures.network(network, subnet), node)).create();
    try {
      Map<String, TestNode> nodes = FaultSupport.nodes(fault.bed(), List.of(node));
      FaultSupport.awaitConverged(fault.kube(), nodes, Set.of(), Duration.ofSeconds(60));
      Set<String> handAttached =
          Set.copyOf(
              FaultSupport.unmanagedOn(
                  fault.bed().node(node), network, FaultSubnets.address(subnet, 10)));
      Map<String, EndpointsKept.Endpoint> before =
          EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED);

      restart.armed.set(true);
      Fixtures.label(fault.kube(), network, "replaced", "yes");
      // The test bed's client of the node is a new one after the restart.
      await().atMost(Duration.ofSeconds(60)).untilTrue(restart.restarted);
      FaultSupport.awaitConverged(
          fault.kube(),
          FaultSupport.nodes(fault.bed(), List.of(node)),
          handAttached,
          Duration.ofSeconds(120));

      Map<String, TestNode> now = FaultSupport.nodes(fault.bed(), List.of(node));
      assertThat(
              EndpointsKept.lostOrChanged(
                  before,
                  EndpointsKept.snapshot(now, FaultSupport.UNMANAGED_ON_MANAGED),
                  Set.of(node)))
          .as("endpoints of containers the operator does not manage")
          .isEmpty();
      for (String container : List.of("u-" + network + "-static", "u-" + network + "-dynamic")) {
        assertThat(
                now.get(node)
                    .docker()
                    .inspectContainerCmd(container)
                    .exec()
                    .getState()
                    .getRunning())
            .as("%s running", container)
            .isTrue();
      }
    } finally {
      // Whatever happened, the next node starts from a clean slate.
      FaultSupport.disconnectUnmanaged(fault.bed().node(node), network);
      fault.kube().resources(DockerNetwork.class).withName(network).delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  fault
                      .bed()
                      .node(node)
                      .docker()
                      .listNetworksCmd()
                      .withNameFilter(network)
                      .exec()
                      .isEmpty());
    }
  }

  /**
   * The agent's gateway on a node whose daemon restarts mid-replacement once armed: at the
   * replacement's first write its containers are killed and the pass dies; right after the old
   * network's removal the daemon restarts.
   */
  private static final class RestartMidReplacement {
    private final String node;
    private final String network;
    final AtomicBoolean armed = new AtomicBoolean();

    /** Set once the daemon is back. */
    final AtomicBoolean restarted = new AtomicBoolean();

    private final AtomicBoolean restarting = new AtomicBoolean();
    private final AtomicInteger writes = new AtomicInteger();

    RestartMidReplacement(String node, String network) {
      this.node = node;
      this.network = network;
    }

    DockerGateway around(DockerGateway docker) {
      return new WritesGateway() {
        @Override
        protected <T> T write(Write write, Supplier<T> call) {
          if (!armed.get()) {
            return call.get();
          }
          if (writes.incrementAndGet() == 1) {
            for (String c : List.of("u-" + network + "-static", "u-" + network + "-dynamic")) {
              fault.bed().node(node).docker().killContainerCmd(c).exec();
            }
            throw new DockerUnavailableException("the daemon is stopping (test)", null);
          }
          T result = call.get();
          if (write.operation().equals("removeNetwork") && !restarting.getAndSet(true)) {
            fault.bed().restartNodeDaemon(node);
            restarted.set(true);
          }
          return result;
        }

        @Override
        protected DockerGateway delegate() {
          return docker;
        }
      };
    }
  }
}
