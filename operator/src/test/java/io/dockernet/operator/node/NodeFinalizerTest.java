package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Finalizer edits against one object on a fake API server that applies JSON patches and replaces
 * the way the real one does (a failed test is 422, a deleting object refuses new entries, an empty
 * list is not stored). The copy passed in plays the informer cache, which may be stale.
 */
class NodeFinalizerTest {

  private static final ObjectMapper MAPPER = Serialization.jsonMapper();
  private static final String A = "nodes.dockernet.io/a";
  private static final String B = "nodes.dockernet.io/b";
  private static final String C = "nodes.dockernet.io/c";

  @Test
  void anAppendIsOneRequestAndKeepsEntriesOtherAgentsAddedMeanwhile() {
    FakeObject live = new FakeObject(A);
    DockerNetwork cached = live.cached();
    live.otherWriterAdds(B);

    assertThat(NodeFinalizer.add(live.counted(), cached, C)).isTrue();

    assertThat(live.finalizers()).containsExactly(A, B, C);
    assertThat(live.requests).isEqualTo(1);
  }

  @Test
  void theFirstEntryIsOneRequest() {
    FakeObject live = new FakeObject();

    assertThat(NodeFinalizer.add(live.counted(), live.cached(), C)).isTrue();

    assertThat(live.finalizers()).containsExactly(C);
    assertThat(live.requests).isEqualTo(1);
  }

  @Test
  void agentsAddingTheFirstEntriesAtOnceKeepEachOthersWithoutReading() {
    FakeObject live = new FakeObject();
    DockerNetwork seenByA = live.cached();
    DockerNetwork seenByB = live.cached();

    assertThat(NodeFinalizer.add(live.counted(), seenByA, A)).isTrue();
    assertThat(NodeFinalizer.add(live.counted(), seenByB, B)).isTrue();

    assertThat(live.finalizers()).containsExactly(A, B);
    assertThat(live.requests).as("two patches each at most, no read").isEqualTo(3);
    assertThat(live.reads).isZero();
  }

  @Test
  void theFirstEntryIsOneRequestAlsoAfterAStatusWrite() {
    FakeObject live = new FakeObject();
    DockerNetwork cached = live.cached();
    live.otherWriterChangesStatus(); // as the controller does when an object appears

    assertThat(NodeFinalizer.add(live.counted(), cached, C)).isTrue();

    assertThat(live.finalizers()).containsExactly(C);
    assertThat(live.requests).isEqualTo(1);
  }

  @Test
  void aCopyThatPredatesOurOwnAppendDoesNotDuplicateTheEntry() {
    FakeObject live = new FakeObject(A);
    DockerNetwork stale = live.cached();

    assertThat(NodeFinalizer.add(live.counted(), stale, C)).isTrue();
    assertThat(NodeFinalizer.add(live.counted(), stale, C)).isTrue();

    assertThat(live.finalizers()).containsExactly(A, C);
  }

  @Test
  void anAppendWhoseAnswerWasLostIsNotRepeatedBlindly() {
    FakeObject live = new FakeObject(A);
    DockerNetwork stale = live.cached();
    live.loseNextAnswer = true;

    assertThatThrownBy(() -> NodeFinalizer.add(live.counted(), stale, C))
        .isInstanceOf(KubernetesClientException.class);
    assertThat(NodeFinalizer.add(live.counted(), stale, C)).isTrue();

    assertThat(live.finalizers()).containsExactly(A, C);
  }

  @Test
  void anEntryRemovedAfterOurAppendIsAppendedAgainWithOneRequest() {
    FakeObject live = new FakeObject(A);
    assertThat(NodeFinalizer.add(live.counted(), live.cached(), C)).isTrue();
    assertThat(NodeFinalizer.remove(live.counted(), live.cached(), C)).isTrue();
    live.requests = 0;

    assertThat(NodeFinalizer.add(live.counted(), live.cached(), C)).isTrue();

    assertThat(live.finalizers()).containsExactly(A, C);
    assertThat(live.requests).isEqualTo(1);
  }

  @Test
  void anEntryAlreadyInTheCopyCostsNoRequest() {
    FakeObject live = new FakeObject(C);

    assertThat(NodeFinalizer.add(live.counted(), live.cached(), C)).isTrue();

    assertThat(live.requests).isZero();
  }

  @Test
  void anObjectBeingDeletedGetsNoNewEntry() {
    FakeObject live = new FakeObject(A);
    DockerNetwork cached = live.cached();
    live.delete();

    assertThat(NodeFinalizer.add(live.counted(), cached, C)).isFalse();

    assertThat(live.finalizers()).containsExactly(A);
  }

  @Test
  void aReplacedOrGoneObjectGetsNoEntry() {
    FakeObject replaced = new FakeObject(A);
    DockerNetwork old = replaced.cached();
    replaced.replace();
    assertThat(NodeFinalizer.add(replaced.counted(), old, C)).isFalse();
    assertThat(replaced.finalizers()).containsExactly(A);

    FakeObject gone = new FakeObject();
    DockerNetwork cached = gone.cached();
    gone.delete();
    assertThat(NodeFinalizer.add(gone.counted(), cached, C)).isFalse();
    assertThat(NodeFinalizer.remove(gone.counted(), cached, C)).isFalse();
  }

  @Test
  void aRemovalIsOneRequestAtTheEntrysIndex() {
    FakeObject live = new FakeObject(A, C, B);

    assertThat(NodeFinalizer.remove(live.counted(), live.cached(), C)).isTrue();

    assertThat(live.finalizers()).containsExactly(A, B);
    assertThat(live.requests).isEqualTo(1);
  }

  @Test
  void aRemovalWhoseIndexMovedRemovesOnlyItsOwnEntry() {
    FakeObject live = new FakeObject(A, C, B);
    DockerNetwork cached = live.cached();
    live.otherWriterRemoves(A); // now [C, B]: index 1 holds B

    assertThat(NodeFinalizer.remove(live.counted(), cached, C)).isTrue();

    assertThat(live.finalizers()).containsExactly(B);
  }

  @Test
  void aRemovalFromACopyWithoutTheEntryReadsTheLiveObject() {
    FakeObject live = new FakeObject(A);
    DockerNetwork stale = live.cached();
    assertThat(NodeFinalizer.add(live.counted(), stale, C)).isTrue();

    assertThat(NodeFinalizer.remove(live.counted(), stale, C)).isTrue();

    assertThat(live.finalizers()).containsExactly(A);
  }

  @Test
  void removingTheLastEntryOfADeletingObjectLetsItGo() {
    FakeObject live = new FakeObject(C);
    live.delete();

    assertThat(NodeFinalizer.remove(live.counted(), live.cached(), C)).isTrue();

    assertThat(live.gone()).isTrue();
  }

  @Test
  void patchesNameTheUidTheEntryAndItsIndex() throws Exception {
    FakeObject live = new FakeObject(A, C);
    DockerNetwork cached = live.cached();
    String uid = cached.getMetadata().getUid();

    assertThat(json(NodeFinalizer.addPatches(cached, B)))
        .containsExactly(
            json(
                "[{'op':'test','path':'/metadata/uid','value':'%s'},"
                    + "{'op':'add','path':'/metadata/finalizers/-','value':'%s'}]",
                uid, B));
    assertThat(json(NodeFinalizer.removePatch(cached, C)))
        .isEqualTo(
            json(
                "[{'op':'test','path':'/metadata/uid','value':'%s'},"
                    + "{'op':'test','path':'/metadata/finalizers/1','value':'%s'},"
                    + "{'op':'remove','path':'/metadata/finalizers/1'}]",
                uid, C));
    assertThat(NodeFinalizer.removePatch(cached, B)).isNull();

    DockerNetwork none = new FakeObject().cached();
    assertThat(json(NodeFinalizer.addPatches(none, B)))
        .first()
        .isEqualTo(
            json(
                "[{'op':'test','path':'/metadata/uid','value':'%s'},"
                    + "{'op':'test','path':'/metadata/finalizers','value':null},"
                    + "{'op':'add','path':'/metadata/finalizers','value':['%s']}]",
                none.getMetadata().getUid(), B));
  }

  private static List<JsonNode> json(List<String> texts) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String text : texts) {
      nodes.add(MAPPER.readTree(text));
    }
    return nodes;
  }

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text);
  }

  private static JsonNode json(String template, Object... args) throws Exception {
    return MAPPER.readTree(String.format(template, args).replace('\'', '"'));
  }

  /** One DockerNetwork on a fake API server, stored as the server serves it. */
  private static final class FakeObject {
    private ObjectNode stored;
    private long version = 1;
    int requests;
    int reads;
    boolean loseNextAnswer;

    FakeObject(String... finalizers) {
      DockerNetwork dn = new DockerNetwork();
      dn.getMetadata().setName("net");
      dn.getMetadata().setUid(UUID.randomUUID().toString());
      dn.getMetadata().setResourceVersion("1");
      dn.getMetadata().setFinalizers(List.of(finalizers));
      stored = normalized(MAPPER.valueToTree(dn));
    }

    /** A copy as an informer holds it. */
    DockerNetwork cached() {
      return object(stored);
    }

    List<String> finalizers() {
      List<String> list = new ArrayList<>();
      stored.path("metadata").path("finalizers").forEach(f -> list.add(f.asText()));
      return list;
    }

    boolean gone() {
      return stored == null;
    }

    void otherWriterAdds(String finalizer) {
      ObjectNode next = stored.deepCopy();
      ObjectNode meta = (ObjectNode) next.get("metadata");
      (meta.has("finalizers") ? (ArrayNode) meta.get("finalizers") : meta.putArray("finalizers"))
          .add(finalizer);
      commit(next);
    }

    void otherWriterRemoves(String finalizer) {
      ObjectNode next = stored.deepCopy();
      ArrayNode list = (ArrayNode) next.get("metadata").get("finalizers");
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).asText().equals(finalizer)) {
          list.remove(i);
          break;
        }
      }
      commit(next);
    }

    void otherWriterChangesStatus() {
      ObjectNode next = stored.deepCopy();
      next.putObject("status").put("ready", "0/1");
      commit(next);
    }

    /** A delete request: gone at once without finalizers, else marked for deletion. */
    void delete() {
      if (finalizers().isEmpty()) {
        stored = null;
        return;
      }
      ObjectNode next = stored.deepCopy();
      ((ObjectNode) next.get("metadata")).put("deletionTimestamp", "2026-01-01T00:00:00Z");
      commit(next);
    }

    /** Deleted and created again under the same name. */
    void replace() {
      ObjectNode next = stored.deepCopy();
      ((ObjectNode) next.get("metadata")).put("uid", UUID.randomUUID().toString());
      commit(next);
    }

    NodeFinalizer.Requests<DockerNetwork> counted() {
      return new NodeFinalizer.Requests<>() {
        @Override
        public DockerNetwork get() {
          requests++;
          reads++;
          return stored == null ? null : object(stored);
        }

        @Override
        public DockerNetwork patch(String jsonPatch) {
          requests++;
          if (stored == null) {
            throw new KubernetesClientException("not found", 404, null);
          }
          JsonNode patched;
          try {
            patched = JsonPatch.apply(withoutNullTests(MAPPER.readTree(jsonPatch)), stored);
          } catch (RuntimeException e) {
            throw new KubernetesClientException(e.getMessage(), 422, null);
          } catch (Exception e) {
            throw new AssertionError("not JSON: " + jsonPatch, e);
          }
          DockerNetwork result = commit((ObjectNode) patched);
          if (loseNextAnswer) {
            loseNextAnswer = false;
            throw new KubernetesClientException("connection reset");
          }
          return result;
        }

        @Override
        public DockerNetwork update(DockerNetwork object) {
          requests++;
          if (stored == null) {
            throw new KubernetesClientException("not found", 404, null);
          }
          if (!String.valueOf(version).equals(object.getMetadata().getResourceVersion())) {
            throw new KubernetesClientException("conflict", 409, null);
          }
          return commit(MAPPER.valueToTree(object));
        }
      };
    }

    /**
     * The API server's JSON patch (evanphx/json-patch) lets a test for null match a missing member,
     * where zjsonpatch fails it: such a test is checked here and dropped.
     */
    private ArrayNode withoutNullTests(JsonNode patch) {
      ArrayNode kept = MAPPER.createArrayNode();
      for (JsonNode op : patch) {
        if ("test".equals(op.path("op").asText()) && op.has("value") && op.get("value").isNull()) {
          JsonNode value = stored.at(op.path("path").asText());
          if (!value.isMissingNode() && !value.isNull()) {
            throw new IllegalStateException("test failed: " + op);
          }
          continue;
        }
        kept.add(op);
      }
      return kept;
    }

    private DockerNetwork commit(ObjectNode next) {
      List<String> before = finalizers();
      normalized(next);
      List<String> after = new ArrayList<>();
      next.path("metadata").path("finalizers").forEach(f -> after.add(f.asText()));
      boolean deleting = stored.path("metadata").has("deletionTimestamp");
      if (deleting && !before.containsAll(after)) {
        throw new KubernetesClientException(
            "no new finalizers can be added if the object is being deleted", 422, null);
      }
      ((ObjectNode) next.get("metadata")).put("resourceVersion", String.valueOf(++version));
      stored = deleting && after.isEmpty() ? null : next;
      return object(next);
    }

    private static ObjectNode normalized(ObjectNode object) {
      ObjectNode meta = (ObjectNode) object.get("metadata");
      if (meta.has("finalizers") && meta.get("finalizers").isEmpty()) {
        meta.remove("finalizers");
      }
      return object;
    }

    private static DockerNetwork object(JsonNode json) {
      return MAPPER.convertValue(json, DockerNetwork.class);
    }
  }
}
