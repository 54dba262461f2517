package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many agents, many objects, all at once: no node's report is lost or overwritten, and the end
 * state on every daemon is exactly what the objects say.
 */
@ExtendWith(TestBedExtension.class)
class DockerNetworkScaleIT {

  private static final int NETWORKS = 50;
  private static final Duration SETTLE = Duration.ofMinutes(5);
  private static RunningOperators operators;
  private static TestBed bed;
  private static KubernetesClient kube;

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    operators = RunningOperators.start(bed);
    Fixtures.deleteAll(kube);
    bed.cleanDocker();
  }

  @AfterAll
  static void stop() {
    Fixtures.deleteAll(kube);
    if (operators != null) {
      operators.close();
    }
    bed.cleanDocker();
  }

  @Test
  void fiftyNetworksCreatedChangedAndDeletedConcurrentlyEndExactlyAsDeclaredOnEveryNode()
      throws Exception {
    int nodes = bed.nodeNames().size();
    assertThat(nodes).as("agents").isGreaterThanOrEqualTo(5);

    inParallel(i -> kube.resource(Fixtures.network(name(i), subnet(i))).create());
    await()
        .atMost(SETTLE)
        .untilAsserted(
            () ->
                assertThat(readySummaries())
                    .as("networks Ready on all %d nodes", nodes)
                    .hasSize(NETWORKS));

    // Even: change (a new label means a recreate); odd: delete. All at once.
    inParallel(
        i -> {
          if (i % 2 == 0) {
            NetworkTestSupport.edit(
                kube,
                name(i),
                dn -> {
                  dn.getSpec().labels = Map.of("round", "two");
                  return dn;
                });
          } else {
            kube.resources(DockerNetwork.class).withName(name(i)).delete();
          }
        });

    Set<String> kept =
        IntStream.range(0, NETWORKS)
            .filter(i -> i % 2 == 0)
            .mapToObj(DockerNetworkScaleIT::name)
            .collect(Collectors.toSet());
    await()
        .atMost(SETTLE)
        .untilAsserted(
            () -> {
              assertThat(kube.resources(DockerNetwork.class).list().getItems())
                  .extracting(d -> d.getMetadata().getName())
                  .containsExactlyInAnyOrderElementsOf(kept);
              assertThat(readySummaries()).hasSize(kept.size());
            });

    List<DockerNetworkNodeState> reports =
        kube.resources(DockerNetworkNodeState.class).list().getItems();
    assertThat(reports).as("one report per network and node").hasSize(kept.size() * nodes);
    for (String network : kept) {
      long generation = NetworkTestSupport.get(kube, network).getMetadata().getGeneration();
      assertThat(reports)
          .filteredOn(r -> network.equals(r.getStatus().dockerNetwork))
          .extracting(r -> r.getStatus().nodeName)
          .containsExactlyInAnyOrderElementsOf(bed.nodeNames());
      assertThat(reports)
          .filteredOn(r -> network.equals(r.getStatus().dockerNetwork))
          .allSatisfy(
              r -> {
                assertThat(r.getStatus().phase).isEqualTo(Phase.Ready);
                assertThat(r.getStatus().observedGeneration).isEqualTo(generation);
              });
    }
    for (String node : bed.nodeNames()) {
      List<Network> onNode =
          bed.node(node).docker().listNetworksCmd().exec().stream()
              .filter(n -> n.getName().startsWith("scale-"))
              .toList();
      assertThat(onNode).extracting(Network::getName).containsExactlyInAnyOrderElementsOf(kept);
      assertThat(onNode).allSatisfy(n -> assertThat(n.getLabels()).containsEntry("round", "two"));
    }
  }

  private static List<String> readySummaries() {
    return kube.resources(DockerNetwork.class).list().getItems().stream()
        .filter(d -> d.getStatus() != null)
        .filter(d -> d.getMetadata().getGeneration().equals(d.getStatus().observedGeneration))
        .filter(
            d ->
                d.getStatus().readyNodes != null
                    && d.getStatus().readyNodes == bed.nodeNames().size())
        .filter(d -> d.getStatus().desiredNodes == bed.nodeNames().size())
        .map(d -> d.getMetadata().getName())
        .toList();
  }

  private static void inParallel(IntConsumer action) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done =
          IntStream.range(0, NETWORKS)
              .mapToObj(i -> pool.submit(() -> action.accept(i)))
              .collect(Collectors.toList());
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String name(int i) {
    return String.format("scale-%02d", i);
  }

  private static String subnet(int i) {
    return "198.18." + (128 + i) + ".0/24";
  }
}
