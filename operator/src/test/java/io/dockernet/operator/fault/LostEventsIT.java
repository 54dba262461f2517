package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.dockernet.operator.docker.DelegatingGateway;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.DockerEventListener;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Docker events lost without the stream noticing (the daemon drops them for a slow reader): the
 * agent here hears none at all, yet a container disconnected by hand is connected again and a
 * network removed by hand is created again, found by the periodic overview of the daemon (one list
 * of networks and one of containers per period) rather than by a pass over every object. The
 * unmanaged container on the managed network keeps its endpoint. Subnets 198.18.228.0/25.
 */
@ExtendWith(TestBedExtension.class)
class LostEventsIT {

  private static final String NODE = "node-a";
  private static final String ATTACHED_NET = "lost-events-att";
  private static final String EMPTY_NET = "lost-events-empty";
  private static final String CONTAINER = "m-lost-events";
  private static final Duration DRIFT_CHECK = Duration.ofSeconds(2);
  @RegisterExtension static final FaultBed fault = new FaultBed("fault-lost-events");
  private static final AtomicInteger dropped = new AtomicInteger();

  @BeforeAll
  static void start() {
    fault.startController();
    TestNode node = fault.bed().node(NODE);
    fault
        .agents()
        .startAgent(
            NODE, node.dockerHost(), fault.bed().kubeConfigYaml(), LostEventsIT::deaf, DRIFT_CHECK);
  }

  @Test
  void driftIsRepairedWithoutAnyEvent() {
    TestNode node = fault.bed().node(NODE);
    DockerClient docker = node.docker();
    String attachedSubnet = FaultSubnets.subnet(228, 0);
    fault
        .kube()
        .resource(Fixtures.onNode(Fixtures.network(ATTACHED_NET, attachedSubnet), NODE))
        .create();
    fault
        .kube()
        .resource(Fixtures.onNode(Fixtures.network(EMPTY_NET, FaultSubnets.subnet(228, 1)), NODE))
        .create();
    FaultSupport.runManagedContainer(node, CONTAINER);
    String address = FaultSubnets.address(attachedSubnet, 10);
    fault
        .kube()
        .resource(Fixtures.attachment(CONTAINER, CONTAINER, ATTACHED_NET, address, CONTAINER))
        .create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !docker.listNetworksCmd().withNameFilter(ATTACHED_NET).exec().isEmpty());
    Set<String> handAttached = new HashSet<>();
    handAttached.addAll(
        FaultSupport.unmanagedOn(node, ATTACHED_NET, FaultSubnets.address(attachedSubnet, 20)));
    Map<String, TestNode> nodes = Map.of(NODE, node);
    FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(1));
    Map<String, EndpointsKept.Endpoint> before =
        EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED);
    int droppedBefore = dropped.get();

    docker.disconnectFromNetworkCmd().withNetworkId(ATTACHED_NET).withContainerId(CONTAINER).exec();
    String emptyId = docker.inspectNetworkCmd().withNetworkId(EMPTY_NET).exec().getId();
    docker.removeNetworkCmd(EMPTY_NET).exec();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        docker
                            .inspectContainerCmd(CONTAINER)
                            .exec()
                            .getNetworkSettings()
                            .getNetworks())
                    .as("the container is on its network again")
                    .containsKey(ATTACHED_NET));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(docker.listNetworksCmd().withNameFilter(EMPTY_NET).exec())
                    .as("the removed network is there again, as a new network")
                    .singleElement()
                    .satisfies(n -> assertThat(n.getId()).isNotEqualTo(emptyId)));
    assertThat(dropped.get())
        .as("the agent heard none of the disconnect and destroy events")
        .isGreaterThan(droppedBefore);
    FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(1));
    assertThat(
            EndpointsKept.lostOrChanged(
                before, EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED)))
        .isEmpty();
  }

  /** The gateway with an event stream that opens and closes as the daemon's but drops events. */
  private static DockerGateway deaf(DockerGateway docker) {
    return new DelegatingGateway() {
      @Override
      protected DockerGateway delegate() {
        return docker;
      }

      @Override
      public AutoCloseable subscribe(DockerEventListener listener) {
        return docker.subscribe(
            new DockerEventListener() {
              @Override
              public void onStreamOpened() {
                listener.onStreamOpened();
              }

              @Override
              public void onEvent(DockerEvent event) {
                dropped.incrementAndGet();
              }

              @Override
              public void onStreamClosed(Throwable cause) {
                listener.onStreamClosed(cause);
              }
            });
      }
    };
  }
}
