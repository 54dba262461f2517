package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API server the agents talk to is killed (SIGKILL) right after a batch of changes, stays down
 * while users keep changing objects (through the other replica) and someone removes a managed
 * network by hand, then comes back on the same address and storage: everything converges, nothing
 * is duplicated, leaked or touched that the operator does not own. Subnets 198.18.208-211.x.
 *
 * <p>The agents use a second kube-apiserver replica on the test bed's etcd (see {@link
 * SecondApiServer} for why the test bed's own cannot be restarted); the controller stays on the
 * test bed's replica.
 */
@ExtendWith(TestBedExtension.class)
class ApiServerRestartIT {

  private static final String NODE_WITH_CONTAINER = "node-c";
  @RegisterExtension static final FaultBed fault = new FaultBed("fault-apiserver-restart");
  private static SecondApiServer apiServer;

  @BeforeAll
  static void start() {
    apiServer =
        fault.closeAtEnd(
            SecondApiServer.start(
                fault.bed().kubeConfigYaml(), Path.of("target", "fault", "second-apiserver.log")));
    fault.startController();
    fault
        .bed()
        .nodes()
        .values()
        .forEach(n -> fault.agents().startAgent(n.name(), n.dockerHost(), apiServer.kubeConfig()));
  }

  @Test
  void agentsConvergeAfterTheirApiServerWasKilledMidReconcileAndRestarted() {
    fault.bed().nodes().values().forEach(FaultSupport::createForeignObjects);
    FaultSupport.runManagedContainer(fault.bed().node(NODE_WITH_CONTAINER), "m-db");
    for (int i = 0; i < 4; i++) {
      fault.kube().resource(Fixtures.network(name(i), FaultSubnets.subnet(208, i))).create();
    }
    fault
        .kube()
        .resource(
            Fixtures.attachment(
                "m-db-" + name(0),
                "m-db",
                name(0),
                FaultSubnets.address(FaultSubnets.subnet(208, 0), 20),
                "m-db"))
        .create();
    FaultSupport.awaitConverged(fault.kube(), fault.bed().nodes(), Set.of(), Duration.ofMinutes(2));
    // An admin's containers on the network that is changed (so replaced) while the API server is
    // down: the replacement cannot save its journal then, so it must not start before it can.
    Set<String> handAttached = new HashSet<>();
    handAttached.addAll(
        FaultSupport.unmanagedOn(
            fault.bed().node(NODE_WITH_CONTAINER),
            name(1),
            FaultSubnets.address(FaultSubnets.subnet(208, 1), 10)));
    Map<String, EndpointsKept.Endpoint> endpoints =
        EndpointsKept.snapshot(fault.bed().nodes(), FaultSupport.UNMANAGED_ON_MANAGED);
    Map<String, Map<String, String>> before =
        FaultSupport.foreignSnapshot(fault.bed().nodes(), Set.of());

    // A batch lands and the agents' API server dies while they work on it.
    for (int i = 4; i < 8; i++) {
      fault.kube().resource(Fixtures.network(name(i), FaultSubnets.subnet(208, i))).create();
    }
    fault
        .kube()
        .resource(
            Fixtures.attachment(
                "m-db-" + name(4),
                "m-db",
                name(4),
                FaultSubnets.address(FaultSubnets.subnet(208, 4), 20),
                "m-db"))
        .create();
    apiServer.kill();

    // While it is down: users keep changing things through the other replica...
    fault.kube().resource(Fixtures.network(name(8), FaultSubnets.subnet(208, 8))).create();
    Fixtures.label(fault.kube(), name(1), "tier", "changed-while-down");
    fault.kube().resources(ContainerAttachment.class).withName("m-db-" + name(0)).delete();
    fault.kube().resources(DockerNetwork.class).withName(name(2)).delete();
    // ...and someone removes a managed network by hand on a node: the agent repairs it from what
    // it knows, without its API server.
    fault.bed().node("node-d").docker().removeNetworkCmd(name(3)).exec();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !fault
                    .bed()
                    .node("node-d")
                    .docker()
                    .listNetworksCmd()
                    .withNameFilter(name(3))
                    .exec()
                    .stream()
                    .filter(n -> n.getName().equals(name(3)))
                    .toList()
                    .isEmpty());

    apiServer.restart();

    FaultSupport.awaitConverged(
        fault.kube(), fault.bed().nodes(), handAttached, Duration.ofMinutes(3));
    assertThat(fault.kube().resources(DockerNetwork.class).list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder(
            name(0), name(1), name(3), name(4), name(5), name(6), name(7), name(8));
    FaultSupport.assertForeignUnchanged(before, fault.bed().nodes(), Set.of());
    assertThat(
            EndpointsKept.lostOrChanged(
                endpoints,
                EndpointsKept.snapshot(fault.bed().nodes(), FaultSupport.UNMANAGED_ON_MANAGED)))
        .as("endpoints of containers the operator does not manage")
        .isEmpty();
  }

  private static String name(int i) {
    return "apirestart-" + i;
  }
}
