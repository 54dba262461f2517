package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ten agents at once, one per node: the test bed's five nodes plus five more started for this class
 * (two agents on one daemon would fight, so ten agents need ten daemons). Twenty networks with
 * attachments are created, then half changed (recreated, reconnecting their endpoints) and half
 * deleted, all concurrently: every node ends exactly as declared, every report present, nothing
 * duplicated, leaked or touched that is not the operator's. Subnets 198.18.224-228.x.
 */
@ExtendWith(TestBedExtension.class)
class TenAgentsIT {

  private static final int AGENTS = 10;
  private static final int NETWORKS = 20;
  @RegisterExtension static final FaultBed fault = new FaultBed("fault-ten-agents");
  private static Map<String, TestNode> nodes;

  @BeforeAll
  static void start() {
    ExtraNodes extra = fault.closeAtEnd(ExtraNodes.start(fault.bed(), AGENTS));
    nodes = new LinkedHashMap<>(fault.bed().nodes());
    nodes.putAll(extra.nodes());
    fault.startController();
    nodes
        .values()
        .forEach(
            n -> fault.agents().startAgent(n.name(), n.dockerHost(), fault.bed().kubeConfigYaml()));
  }

  @AfterAll
  static void disconnectUnmanagedOnExtraNodes() {
    nodes.values().forEach(FaultSupport::disconnectAllUnmanaged);
  }

  @Test
  void tenAgentsApplyingCreatesChangesAndDeletesConcurrentlyEndExactlyAsDeclared()
      throws Exception {
    assertThat(nodes).hasSize(AGENTS);
    nodes.values().forEach(FaultSupport::createForeignObjects);
    nodes.values().forEach(n -> FaultSupport.runManagedContainer(n, "m-app"));
    Map<String, Map<String, String>> before = FaultSupport.foreignSnapshot(nodes, Set.of());

    inParallel(
        i -> {
          fault.kube().resource(Fixtures.network(name(i), FaultSubnets.subnet(224, i))).create();
          if (i % 2 == 0) {
            fault
                .kube()
                .resource(
                    Fixtures.attachment(
                        "m-app-" + name(i),
                        "m-app",
                        name(i),
                        FaultSubnets.address(FaultSubnets.subnet(224, i), 10),
                        "m-app"))
                .create();
          }
        });
    FaultSupport.awaitConverged(fault.kube(), nodes, Set.of(), Duration.ofMinutes(4));
    // An admin's containers on a network that every node replaces next.
    Set<String> handAttached = new java.util.HashSet<>();
    for (TestNode n : nodes.values()) {
      handAttached.addAll(
          FaultSupport.unmanagedOn(
              n, name(0), FaultSubnets.address(FaultSubnets.subnet(224, 0), 30)));
    }
    Map<String, EndpointsKept.Endpoint> endpoints =
        EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED);

    // Even: change (a recreate on ten nodes, reconnecting m-app there); odd: delete. All at once.
    inParallel(
        i -> {
          if (i % 2 == 0 || i % 4 == 1) {
            Fixtures.label(fault.kube(), name(i), "round", "two");
          } else {
            fault.kube().resources(DockerNetwork.class).withName(name(i)).delete();
          }
        });
    FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(4));

    assertThat(fault.kube().resources(DockerNetwork.class).list().getItems())
        .hasSize(NETWORKS * 3 / 4);
    assertThat(
            EndpointsKept.lostOrChanged(
                endpoints, EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED)))
        .as("endpoints of containers the operator does not manage")
        .isEmpty();
    assertThat(fault.kube().resources(ContainerAttachment.class).list().getItems())
        .hasSize(NETWORKS / 2);
    FaultSupport.assertForeignUnchanged(before, nodes, Set.of());
  }

  private static void inParallel(IntConsumer action) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done =
          IntStream.range(0, NETWORKS)
              .<Future<?>>mapToObj(i -> pool.submit(() -> action.accept(i)))
              .toList();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String name(int i) {
    return String.format("ten-%02d", i);
  }
}
