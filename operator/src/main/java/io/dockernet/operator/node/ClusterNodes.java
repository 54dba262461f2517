package io.dockernet.operator.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The controller's one watch of the cluster's Nodes, shared by both summaries (which nodes a
 * selector picks) and the {@link DepartedNodeCollector} (which nodes are gone). It keeps a Node's
 * name and labels only: on a real cluster a Node carries its images, conditions and addresses, many
 * kilobytes each, none of which the controller reads.
 */
public final class ClusterNodes implements AutoCloseable {

  private final KubernetesClient client;
  private final List<Runnable> selectionListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> departureListeners = new CopyOnWriteArrayList<>();
  private volatile SharedIndexInformer<Node> informer;

  public ClusterNodes(KubernetesClient client) {
    this.client = client;
  }

  /** Starts watching; returns once the Nodes are listed. */
  public void start() {
    SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
    nodes.itemStore(new NameAndLabels());
    nodes.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node node) {
            selectionListeners.forEach(Runnable::run);
          }

          @Override
          public void onUpdate(Node before, Node after) {
            // Kubelets write their Node's status every few seconds: only labels change selection.
            if (NodeEventSources.labelsChanged(after, before)) {
              selectionListeners.forEach(Runnable::run);
            }
          }

          @Override
          public void onDelete(Node node, boolean finalStateUnknown) {
            selectionListeners.forEach(Runnable::run);
            departureListeners.forEach(Runnable::run);
          }
        });
    informer = nodes;
    nodes.run();
  }

  /** Called when a Node joins, leaves or has its labels changed. */
  public void onSelectionChange(Runnable listener) {
    selectionListeners.add(listener);
  }

  /** Called when a Node leaves. */
  public void onDeparture(Runnable listener) {
    departureListeners.add(listener);
  }

  /** The Nodes as last seen (name and labels). */
  public List<Node> list() {
    return informer == null ? List.of() : informer.getStore().list();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }

  /** The informer's store, keeping of each Node what the controller reads. */
  private static final class NameAndLabels extends BasicItemStore<Node> {

    NameAndLabels() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Node put(String key, Node node) {
      ObjectMeta meta = node.getMetadata();
      Node slim = new Node();
      slim.setMetadata(
          new ObjectMetaBuilder()
              .withName(meta.getName())
              .withUid(meta.getUid())
              .withResourceVersion(meta.getResourceVersion())
              .withDeletionTimestamp(meta.getDeletionTimestamp())
              .withLabels(meta.getLabels())
              .build());
      return super.put(key, slim);
    }
  }
}
