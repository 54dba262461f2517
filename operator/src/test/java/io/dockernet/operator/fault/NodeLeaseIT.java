package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.node.NodeLeases;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
  private static TestBed bed;
  private static KubernetesClient kube;
  private static OperatorProcess controller;
  private static OperatorProcess first;
  private static OperatorProcess second;

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    kube = FaultSupport.cleanSlate(bed);
    controller = FaultSupport.startController(bed, "fault-node-lease");
  }

  @AfterAll
  static void stop() {
    FaultSupport.stopAll(bed, kube, second, first, controller);
  }

  @Test
  void aSecondAgentOfTheNodeWaitsAndTakesOverWhenTheFirstStops() {
    TestNode node = bed.node(NODE);
    first = agent("agent-" + NODE + "-old");
    await().atMost(Duration.ofSeconds(60)).until(() -> ("agent-" + NODE + "-old").equals(holder()));
    second = agent("agent-" + NODE + "-new");

    kube.resource(Fixtures.onNode(Fixtures.network(NETWORK, SUBNET), NODE)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !node.docker().listNetworksCmd().withNameFilter(NETWORK).exec().isEmpty());
    Set<String> handAttached = new HashSet<>();
    handAttached.addAll(FaultSupport.unmanagedOn(node, NETWORK, FaultSubnets.address(SUBNET, 10)));
    Map<String, TestNode> nodes = Map.of(NODE, node);
    FaultSupport.awaitConverged(kube, nodes, handAttached, Duration.ofMinutes(1));
    Map<String, EndpointsKept.Endpoint> before =
        EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED);
    assertThat(holder()).as("the node's Lease while both run").isEqualTo("agent-" + NODE + "-old");

    first.close(); // SIGTERM: finishes what it does, releases the Lease
    await().atMost(Duration.ofSeconds(30)).until(() -> ("agent-" + NODE + "-new").equals(holder()));
    Fixtures.label(kube, NETWORK, "rollout", "done");
    FaultSupport.awaitConverged(kube, nodes, handAttached, Duration.ofMinutes(1));

    assertThat(
            EndpointsKept.lostOrChanged(
                before, EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED)))
        .isEmpty();
  }

  private static OperatorProcess agent(String pod) {
    return OperatorProcess.agent(
        bed.node(NODE),
        bed.kubeConfigFile(),
        Path.of("target", "fault", "lease-" + pod + ".log"),
        null,
        pod,
        FaultSupport.releaseNamespace("fault-node-lease"));
  }

  private static String holder() {
    String namespace = FaultSupport.releaseNamespace("fault-node-lease");
    Lease lease = kube.leases().inNamespace(namespace).withName(NodeLeases.name(NODE)).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
