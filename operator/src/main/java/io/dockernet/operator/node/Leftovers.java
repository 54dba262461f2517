package io.dockernet.operator.node;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What nodes no longer in the cluster left behind on the parents of one kind: their per-node
 * finalizers, which would hold a deletion back forever, and their reports, which no agent will
 * update again. Decided from what is listed and the names of the nodes present, nothing else.
 *
 * @param finalizers the departed nodes' finalizers, with the parent each is on
 * @param reports the departed nodes' reports
 */
public record Leftovers<P extends HasMetadata, R extends HasMetadata>(
    List<Finalizer<P>> finalizers, List<R> reports) {

  /** One finalizer on one parent. */
  public record Finalizer<P extends HasMetadata>(P parent, String finalizer) {}

  /**
   * @param nodes the names of the nodes in the cluster
   */
  public static <P extends HasMetadata, R extends CustomResource<Void, ? extends NodeReport>>
      Leftovers<P, R> of(Collection<P> parents, Collection<R> reports, Set<String> nodes) {
    // Compared as finalizers, since a long node name is hashed in its finalizer.
    Set<String> present = nodes.stream().map(NodeFinalizer::of).collect(Collectors.toSet());
    List<Finalizer<P>> finalizers = new ArrayList<>();
    for (P parent : parents) {
      for (String f : parent.getMetadata().getFinalizers()) {
        if (f.startsWith(Keys.NODE_FINALIZER_PREFIX) && !present.contains(f)) {
          finalizers.add(new Finalizer<>(parent, f));
        }
      }
    }
    List<R> departed =
        reports.stream().filter(r -> nodeOf(r).map(n -> !nodes.contains(n)).orElse(false)).toList();
    return new Leftovers<>(List.copyOf(finalizers), departed);
  }

  /**
   * The node a report is about: its status says, or, before the agent's first status write, its
   * label. A report that says neither is left alone.
   */
  private static Optional<String> nodeOf(CustomResource<Void, ? extends NodeReport> report) {
    NodeReport status = report.getStatus();
    if (status != null && status.nodeName != null) {
      return Optional.of(status.nodeName);
    }
    Map<String, String> labels = report.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(Keys.NODE_LABEL));
  }
}
