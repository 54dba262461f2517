package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkStatus;
import io.dockernet.operator.testbed.Fixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The finalizer edits against the real API server, where {@link NodeFinalizerTest}'s fake stands in
 * for it: what the guards of the patches mean there (a test for null matching a missing list is the
 * API server's JSON patch library's reading, not RFC 6902's) and how many requests an edit takes
 * when the controller writes the status first, as it does for a new object.
 */
class NodeFinalizerOnApiServerTest {

  private static final String A = NodeFinalizer.of("node-a");
  private static final String B = NodeFinalizer.of("node-b");

  private final KubernetesClient kube = AgentOnFakeDocker.kube();
  private final AtomicInteger requests = new AtomicInteger();

  @AfterEach
  void deleteWhatWasMade() {
    for (DockerNetwork dn : kube.resources(DockerNetwork.class).list().getItems()) {
      if (dn.getMetadata().getName().startsWith("finalizer-")) {
        dn.getMetadata().setFinalizers(List.of());
        kube.resource(dn).unlock().update();
        kube.resource(dn).delete();
      }
    }
  }

  @Test
  void theFirstEntryAfterTheControllersStatusWriteIsOneRequest() {
    DockerNetwork seen = create("finalizer-first");
    writeStatus(seen); // the controller's first summary: a new resourceVersion

    assertThat(NodeFinalizer.add(counted(seen), seen, A)).isTrue();

    assertThat(live(seen).getMetadata().getFinalizers()).containsExactly(A);
    assertThat(requests).hasValue(1);
  }

  @Test
  void twoAgentsAddingTheFirstEntriesFromTheSameCopyKeepBoth() {
    DockerNetwork seenByA = create("finalizer-two");
    DockerNetwork seenByB = live(seenByA);

    assertThat(NodeFinalizer.add(counted(seenByA), seenByA, A)).isTrue();
    assertThat(NodeFinalizer.add(counted(seenByB), seenByB, B)).isTrue();

    assertThat(live(seenByA).getMetadata().getFinalizers()).containsExactly(A, B);
    assertThat(requests).as("B's guarded create refused, then its append").hasValue(3);
  }

  @Test
  void theGuardOfTheFirstEntryRefusesToReplaceAList() {
    DockerNetwork seen = create("finalizer-guard");
    assertThat(NodeFinalizer.add(counted(seen), seen, A)).isTrue();

    String guarded = NodeFinalizer.addPatches(seen, B).get(0);
    assertThatThrownBy(() -> kube.resource(seen).patch(PatchContext.of(PatchType.JSON), guarded))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThat(live(seen).getMetadata().getFinalizers()).containsExactly(A);
  }

  @Test
  void anObjectBeingDeletedGetsNoNewEntry() {
    DockerNetwork seen = create("finalizer-deleting");
    assertThat(NodeFinalizer.add(counted(seen), seen, A)).isTrue();
    kube.resource(seen).delete();

    assertThat(NodeFinalizer.add(counted(seen), live(seen), B)).isFalse();

    assertThat(live(seen).getMetadata().getFinalizers()).containsExactly(A);
  }

  private DockerNetwork create(String name) {
    return kube.resource(Fixtures.network(name, "198.18.250.0/24")).create();
  }

  private DockerNetwork live(DockerNetwork dn) {
    return kube.resources(DockerNetwork.class).withName(dn.getMetadata().getName()).get();
  }

  private void writeStatus(DockerNetwork dn) {
    DockerNetwork copy = live(dn);
    copy.setStatus(new DockerNetworkStatus());
    copy.getStatus().ready = "0/0";
    kube.resource(copy).updateStatus();
  }

  /** The requests of one edit, counted. */
  private NodeFinalizer.Requests<DockerNetwork> counted(DockerNetwork dn) {
    NodeFinalizer.Requests<DockerNetwork> real =
        NodeFinalizer.Requests.of(kube, DockerNetwork.class, dn);
    return new NodeFinalizer.Requests<>() {
      @Override
      public DockerNetwork get() {
        requests.incrementAndGet();
        return real.get();
      }

      @Override
      public DockerNetwork patch(String jsonPatch) {
        requests.incrementAndGet();
        return real.patch(jsonPatch);
      }

      @Override
      public DockerNetwork update(DockerNetwork object) {
        requests.incrementAndGet();
        return real.update(object);
      }
    };
  }
}
