package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which objects the periodic overview of the daemon wakes: every one whose report on this node is
 * not Ready and that no backoff timer will retry (it waits for something an event may have
 * announced and the stream lost), and every Ready one whose report no longer matches what the
 * daemon lists. Nothing else: at idle, with everything Ready and in place, the check costs its two
 * list calls and no reconciliation; an object in error keeps to its backoff.
 */
public final class Drift {

  private Drift() {}

  /**
   * @param reports this node's reports of one kind
   * @param stillTrue whether a Ready report still describes the daemon
   * @param retrying whether the parent of this name is in backoff (its timer retries it)
   * @return the parents of the reports that need a look
   */
  public static <S extends NodeReport, R extends CustomResource<?, S>> Set<ResourceID> of(
      Stream<R> reports, Predicate<S> stillTrue, Predicate<String> retrying) {
    return reports
        .filter(
            r -> {
              S report = r.getStatus();
              return report == null || report.phase != Phase.Ready || !stillTrue.test(report);
            })
        .flatMap(r -> NodeEventSources.owners(r).stream())
        .filter(parent -> !retrying.test(parent.getName()))
        .collect(Collectors.toSet());
  }

  /**
   * Objects that have no report on this node although they should: selected here ({@code
   * takesPart}), or being deleted while they hold this node's finalizer. Only a missed Kubernetes
   * event leaves one unseen; the overview's period bounds how long.
   *
   * @param finalizer this node's finalizer
   */
  public static <P extends HasMetadata> Set<ResourceID> unseen(
      Stream<P> primaries,
      Stream<? extends HasMetadata> reports,
      Predicate<P> takesPart,
      Predicate<String> retrying,
      String finalizer) {
    Set<String> reported =
        reports
            .flatMap(r -> NodeEventSources.owners(r).stream())
            .map(ResourceID::getName)
            .collect(Collectors.toSet());
    return primaries
        .filter(p -> !reported.contains(p.getMetadata().getName()))
        .filter(p -> !retrying.test(p.getMetadata().getName()))
        .filter(
            p ->
                p.isMarkedForDeletion()
                    ? p.getMetadata().getFinalizers().contains(finalizer)
                    : takesPart.test(p))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /**
   * Everything an overview of the daemon wakes for one kind on this node: the parents of reports
   * that are not Ready or no longer true ({@link #of}) and, once this node's Node is known, the
   * objects that should have a report here and have none ({@link #unseen}).
   *
   * @param takesPart given this node's labels, whether an object takes part here
   */
  public static <P extends HasMetadata, S extends NodeReport, R extends CustomResource<?, S>>
      Set<ResourceID> wake(
          InformerEventSource<R, P> reports,
          InformerEventSource<Node, P> thisNode,
          String nodeName,
          Stream<P> primaries,
          Predicate<S> stillTrue,
          Function<Map<String, String>, Predicate<P>> takesPart,
          Predicate<String> retrying) {
    Set<ResourceID> ids = new HashSet<>(of(reports.list(), stillTrue, retrying));
    thisNode
        .get(new ResourceID(nodeName))
        .map(node -> node.getMetadata().getLabels())
        .ifPresent(
            labels ->
                ids.addAll(
                    unseen(
                        primaries,
                        reports.list(),
                        takesPart.apply(labels),
                        retrying,
                        NodeFinalizer.of(nodeName))));
    return ids;
  }
}
