package io.dockernet.operator.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dockernet.operator.Hashes;
import io.dockernet.operator.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-node finalizers on parent objects. Each agent holds its own, so deleting a parent waits
 * until every node that acted on it has cleaned up; the controller drops the finalizers of nodes
 * that left the cluster.
 *
 * <p>Many agents edit the same list at once, and a write that replaced the list would drop someone
 * else's entry. An edit is therefore one JSON patch built from the copy the caller holds: append
 * this node's entry (guarded by the UID), or remove the entry at its index in that copy (guarded by
 * a test of that entry). When a guard fails (the copy was stale) or the copy cannot tell, the edit
 * falls back to reading the live object and replacing it optimistic-locked, retried on conflict.
 */
public final class NodeFinalizer {

  private static final Logger LOG = LoggerFactory.getLogger(NodeFinalizer.class);
  private static final int ATTEMPTS = 20;
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * "uid finalizer" of every entry this process may have added and not removed since. The caller's
   * copy (an informer cache) can predate our own append, and the API server accepts a duplicate
   * entry: an append is only blind when this process has not added the entry since it last removed
   * it; otherwise the live object is read first.
   */
  private static final Set<String> ADDED = ConcurrentHashMap.newKeySet();

  private NodeFinalizer() {}

  /** The finalizer name of a node (hashed when the node name is too long for one). */
  public static String of(String nodeName) {
    String name = nodeName.length() <= 63 ? nodeName : "h-" + Hashes.sha256Hex(nodeName, 16);
    return Keys.NODE_FINALIZER_PREFIX + name;
  }

  /** The node names behind the per-node finalizers on an object (hashed ones stay hashed). */
  public static List<String> nodesOf(HasMetadata object) {
    List<String> nodes = new ArrayList<>();
    for (String f : object.getMetadata().getFinalizers()) {
      if (f.startsWith(Keys.NODE_FINALIZER_PREFIX)) {
        nodes.add(f.substring(Keys.NODE_FINALIZER_PREFIX.length()));
      }
    }
    return nodes;
  }

  /**
   * Adds the node's finalizer to the live object with the given UID.
   *
   * @return false when the object is gone, was replaced, or is being deleted (then nothing may be
   *     created on its behalf)
   */
  public static <T extends HasMetadata> boolean add(
      KubernetesClient client, Class<T> type, T object, String nodeName) {
    return add(Requests.of(client, type, object), object, of(nodeName));
  }

  /** Removes a finalizer; returns false if the object is already gone. */
  public static <T extends HasMetadata> boolean remove(
      KubernetesClient client, Class<T> type, T object, String finalizer) {
    return remove(Requests.of(client, type, object), object, finalizer);
  }

  static <T extends HasMetadata> boolean add(Requests<T> requests, T object, String finalizer) {
    ObjectMeta meta = object.getMetadata();
    if (meta.getFinalizers().contains(finalizer)) {
      return true;
    }
    String key = key(object, finalizer);
    // A deleting object refuses new entries: reading it tells whether ours is still there.
    if (object.isMarkedForDeletion() || !ADDED.add(key)) {
      return readAndReplace(requests, object, finalizer, true);
    }
    // From here on the key stays unless the entry is known to be absent: a write whose answer is
    // lost may have been applied, and the next add then reads first.
    for (String patch : addPatches(object, finalizer)) {
      Outcome outcome = send(() -> requests.patch(patch));
      LOG.debug("Adding {} by patch {}: {}", finalizer, patch, outcome);
      if (outcome != Outcome.REFUSED) {
        if (outcome == Outcome.GONE) {
          ADDED.remove(key);
        }
        return outcome == Outcome.DONE;
      }
    }
    return readAndReplace(requests, object, finalizer, true);
  }

  static <T extends HasMetadata> boolean remove(Requests<T> requests, T object, String finalizer) {
    String patch = removePatch(object, finalizer);
    if (patch != null) {
      Outcome outcome = send(() -> requests.patch(patch));
      LOG.debug("Removing {} by patch {}: {}", finalizer, patch, outcome);
      if (outcome != Outcome.REFUSED) {
        ADDED.remove(key(object, finalizer));
        return outcome == Outcome.DONE;
      }
    }
    return readAndReplace(requests, object, finalizer, false);
  }

  /**
   * The JSON patches that append the finalizer to the object as the caller holds it, to be tried in
   * order: an append to the list, guarded by the UID. An empty list is not stored at all, and
   * adding it whole would replace a list another agent created meanwhile: that is guarded by a test
   * that the list is still absent (the API server's JSON patch lets a test for null match a missing
   * member), and if it fails the append is tried (the list exists now). Unlike a guard on the
   * resourceVersion, this one holds while others write the status, as the controller does at once.
   */
  static List<String> addPatches(HasMetadata object, String finalizer) {
    ObjectMeta meta = object.getMetadata();
    String append =
        patch(
                test("/metadata/uid", meta.getUid()),
                op("add", "/metadata/finalizers/-").put("value", finalizer))
            .toString();
    if (!meta.getFinalizers().isEmpty()) {
      return List.of(append);
    }
    ObjectNode create = op("add", "/metadata/finalizers");
    create.putArray("value").add(finalizer);
    String guarded =
        patch(
                test("/metadata/uid", meta.getUid()),
                op("test", "/metadata/finalizers").putNull("value"),
                create)
            .toString();
    return List.of(guarded, append);
  }

  /**
   * The JSON patch that removes the finalizer at its index in the object as the caller holds it,
   * guarded by the UID and by that entry; null when the caller's copy does not have it.
   */
  static String removePatch(HasMetadata object, String finalizer) {
    int index = object.getMetadata().getFinalizers().indexOf(finalizer);
    if (index < 0) {
      return null;
    }
    String path = "/metadata/finalizers/" + index;
    return patch(
            test("/metadata/uid", object.getMetadata().getUid()),
            test(path, finalizer),
            op("remove", path))
        .toString();
  }

  private static ArrayNode patch(ObjectNode... ops) {
    ArrayNode patch = JSON.arrayNode();
    for (ObjectNode op : ops) {
      patch.add(op);
    }
    return patch;
  }

  private static ObjectNode test(String path, String value) {
    return op("test", path).put("value", value);
  }

  private static ObjectNode op(String op, String path) {
    return JSON.objectNode().put("op", op).put("path", path);
  }

  /** What a write came to. */
  private enum Outcome {
    DONE,
    /** 422: a test failed, the path is gone, or a deleting object refused an entry; 409. */
    REFUSED,
    /** 404. */
    GONE
  }

  /** Sends one write; any other failure is thrown (whether it was applied is then unknown). */
  private static Outcome send(Runnable write) {
    try {
      write.run();
      return Outcome.DONE;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Outcome.GONE;
      }
      if (e.getCode() == 409 || e.getCode() == 422) {
        return Outcome.REFUSED;
      }
      throw e;
    }
  }

  private static String key(HasMetadata object, String finalizer) {
    return object.getMetadata().getUid() + " " + finalizer;
  }

  private static <T extends HasMetadata> boolean readAndReplace(
      Requests<T> requests, T object, String finalizer, boolean add) {
    String uid = object.getMetadata().getUid();
    String key = key(object, finalizer);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      T live = requests.get();
      if (live == null || !uid.equals(live.getMetadata().getUid())) {
        ADDED.remove(key);
        return false;
      }
      boolean has = live.getMetadata().getFinalizers().contains(finalizer);
      LOG.debug(
          "{} {}: live finalizers {}, deleting {}",
          add ? "To add" : "To remove",
          finalizer,
          live.getMetadata().getFinalizers(),
          live.isMarkedForDeletion());
      if (add && (has || live.isMarkedForDeletion())) {
        if (!has) {
          ADDED.remove(key);
        }
        return has;
      }
      if (!add && !has) {
        ADDED.remove(key);
        return true;
      }
      List<String> finalizers = new ArrayList<>(live.getMetadata().getFinalizers());
      if (add) {
        finalizers.add(finalizer);
      } else {
        finalizers.remove(finalizer);
      }
      live.getMetadata().setFinalizers(finalizers);
      Outcome outcome = send(() -> requests.update(live));
      if (outcome != Outcome.REFUSED) {
        if (!add || outcome == Outcome.GONE) {
          ADDED.remove(key);
        }
        return outcome == Outcome.DONE;
      }
      // 409: someone else changed the object meanwhile; 422: it started being deleted.
    }
    throw new IllegalStateException(
        "could not update finalizers of "
            + object.getMetadata().getName()
            + " after "
            + ATTEMPTS
            + " conflicts");
  }

  /** The requests an edit makes on one object, by name (a seam for tests). */
  interface Requests<T extends HasMetadata> {

    /** The live object, or null when there is none. */
    T get();

    /** Applies a JSON patch (RFC 6902). */
    T patch(String jsonPatch);

    /** Replaces the object, optimistic-locked on its resourceVersion. */
    T update(T object);

    static <T extends HasMetadata> Requests<T> of(
        KubernetesClient client, Class<T> type, T object) {
      Resource<T> resource = client.resources(type).withName(object.getMetadata().getName());
      return new Requests<>() {
        @Override
        public T get() {
          return resource.get();
        }

        @Override
        public T patch(String jsonPatch) {
          return resource.patch(PatchContext.of(PatchType.JSON), jsonPatch);
        }

        @Override
        public T update(T live) {
          return client.resource(live).update();
        }
      };
    }
  }
}
