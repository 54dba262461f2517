package io.dockernet.operator.node;

import io.dockernet.operator.Hashes;
import io.dockernet.operator.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-node finalizers on parent objects. Each agent holds its own, so deleting a parent waits
 * until every node that acted on it has cleaned up; the controller drops the finalizers of nodes
 * that left the cluster. Writes are optimistic-locked replaces retried on conflict, because many
 * agents edit the same list at once and a blind patch would drop someone else's entry.
 */
public final class NodeFinalizer {

  private static final int ATTEMPTS = 20;

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
    return edit(client, type, object, of(nodeName), true);
  }

  /** Removes a finalizer; returns false if the object is already gone. */
  public static <T extends HasMetadata> boolean remove(
      KubernetesClient client, Class<T> type, T object, String finalizer) {
    return edit(client, type, object, finalizer, false);
  }

  private static <T extends HasMetadata> boolean edit(
      KubernetesClient client, Class<T> type, T object, String finalizer, boolean add) {
    String uid = object.getMetadata().getUid();
    String name = object.getMetadata().getName();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      T live = client.resources(type).withName(name).get();
      if (live == null || !uid.equals(live.getMetadata().getUid())) {
        return false;
      }
      boolean has = live.getMetadata().getFinalizers().contains(finalizer);
      if (add && (has || live.isMarkedForDeletion())) {
        return has;
      }
      if (!add && !has) {
        return true;
      }
      List<String> finalizers = new ArrayList<>(live.getMetadata().getFinalizers());
      if (add) {
        finalizers.add(finalizer);
      } else {
        finalizers.remove(finalizer);
      }
      live.getMetadata().setFinalizers(finalizers);
      try {
        client.resource(live).update();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false;
        }
        if (e.getCode() != 409 && e.getCode() != 422) {
          throw e;
        }
        // 409: someone else changed the object meanwhile; 422: it started being deleted.
      }
    }
    throw new IllegalStateException(
        "could not update finalizers of " + name + " after " + ATTEMPTS + " conflicts");
  }
}
