package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.node.NodeLeases;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
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
 * Two agents of one node, as during a DaemonSet rollout with surge: only the one holding the node's
 * Lease acts; the other takes over once the first stops (it releases the Lease on SIGTERM), and a
 * replacement it then runs keeps every endpoint. Subnet 198.18.241.0/26.
 */
@ExtendWith(TestBedExtension.class)
class NodeLeaseIT {

  private static final String NODE = "node-c";
  private static final String NETWORK = "lease-net";
  private static final String SUBNET = FaultSubnets.subnet(241, 0);
  @RegisterExtension static final FaultBed fault = new FaultBed("fault-node-lease");
  private static OperatorProcess first;
  private static OperatorProcess second;

  @BeforeAll
  static void start() {
    fault.startController();
  }

  @Test
  void aSecondAgentOfTheNodeWaitsAndTakesOverWhenTheFirstStops() {
    TestNode node = fault.bed().node(NODE);
    first = agent("agent-" + NODE + "-old");
    await().atMost(Duration.ofSeconds(60)).until(() -> ("agent-" + NODE + "-old").equals(holder()));
    second = agent("agent-" + NODE + "-new");

    fault.kube().resource(Fixtures.onNode(Fixtures.network(NETWORK, SUBNET), NODE)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !node.docker().listNetworksCmd().withNameFilter(NETWORK).exec().isEmpty());
    Set<String> handAttached = new HashSet<>();
    handAttached.addAll(FaultSupport.unmanagedOn(node, NETWORK, FaultSubnets.address(SUBNET, 10)));
    Map<String, TestNode> nodes = Map.of(NODE, node);
    FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(1));
    Map<String, EndpointsKept.Endpoint> before =
        EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED);
    assertThat(holder()).as("the node's Lease while both run").isEqualTo("agent-" + NODE + "-old");

    first.close(); // SIGTERM: finishes what it does, releases the Lease
    await().atMost(Duration.ofSeconds(30)).until(() -> ("agent-" + NODE + "-new").equals(holder()));
    Fixtures.label(fault.kube(), NETWORK, "rollout", "done");
    FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(1));

    assertThat(
            EndpointsKept.lostOrChanged(
                before, EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED)))
        .isEmpty();
  }

  private static OperatorProcess agent(String pod) {
    return fault.closeAtEnd(
        fault.agentProcess(NODE, Path.of("target", "fault", "lease-" + pod + ".log"), null, pod));
  }

  private static String holder() {
    Lease lease =
        fault
            .kube()
            .leases()
            .inNamespace(fault.releaseNamespace())
            .withName(NodeLeases.name(NODE))
            .get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
