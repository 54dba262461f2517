package io.dockernet.operator.node;

import io.dockernet.operator.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The Kubernetes event sources the reconcilers share: an agent watches its own Node and its own
 * reports; the controller watches every Node and every report.
 */
public final class NodeEventSources {

  private NodeEventSources() {}

  /**
   * This node's Node object; a label change can select or deselect every primary. Looked up by
   * name, not through a reverse index that only knows primaries that existed when the Node changed.
   */
  public static <P extends HasMetadata> InformerEventSource<Node, P> thisNode(
      EventSourceContext<P> context, String nodeName) {
    return new QuietFirstListEventSource<>(
        InformerEventSourceConfiguration.from(Node.class, context.getPrimaryResourceClass())
            .withName("this-node")
            .withFieldSelector(
                new FieldSelector(new FieldSelector.Field("metadata.name", nodeName)))
            .withSecondaryToPrimaryMapper(n -> allPrimaries(context))
            .withPrimaryToSecondaryMapper((P p) -> Set.of(new ResourceID(nodeName)))
            .withOnUpdateFilter(NodeEventSources::labelsChanged),
        context);
  }

  /**
   * This node's report objects of one kind, mapped to their parents by owner reference. The agent
   * writes them through this source ({@link ReportStore#write}), so its own writes wake nobody.
   * {@code deleted} hears of each report deleted, by whomever: one whose parent is gone wakes no
   * parent.
   */
  public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> ownReports(
      EventSourceContext<P> context, Class<R> reportType, String nodeName, Consumer<R> deleted) {
    return new QuietFirstListEventSource<>(
        InformerEventSourceConfiguration.from(reportType, context.getPrimaryResourceClass())
            .withName("this-node-reports")
            .withLabelSelector(Keys.NODE_LABEL + "=" + nodeName)
            .withSecondaryToPrimaryMapper(NodeEventSources::owners),
        context) {
      @Override
      public synchronized void onDelete(R report, boolean finalStateUnknown) {
        super.onDelete(report, finalStateUnknown);
        deleted.accept(report);
      }
    };
  }

  /** Every node's report objects of one kind, mapped to their parents by owner reference. */
  public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> allReports(
      EventSourceContext<P> context, Class<R> reportType) {
    return new QuietFirstListEventSource<>(
        InformerEventSourceConfiguration.from(reportType, context.getPrimaryResourceClass())
            .withName("node-reports")
            .withSecondaryToPrimaryMapper(NodeEventSources::owners),
        context);
  }

  /**
   * Whether a Node update can change what is selected: only its labels can. Kubelets write their
   * Node's status every few seconds; without this filter each write is a pass over every object.
   */
  static boolean labelsChanged(Node updated, Node before) {
    return !Objects.equals(labels(updated), labels(before));
  }

  private static Map<String, String> labels(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /** Every primary in the cache (a change that may concern them all). */
  public static <P extends HasMetadata> Set<ResourceID> allPrimaries(
      EventSourceContext<P> context) {
    return context
        .getPrimaryCache()
        .list()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** The parents a report object names in its owner references. */
  public static Set<ResourceID> owners(HasMetadata report) {
    return report.getMetadata().getOwnerReferences().stream()
        .map(o -> new ResourceID(o.getName()))
        .collect(Collectors.toSet());
  }
}
