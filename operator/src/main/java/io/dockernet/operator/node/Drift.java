package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which objects the periodic overview of the daemon wakes: every one whose report on this node is
 * not Ready (it is waiting for something an event may have announced and the stream lost), and
 * every Ready one whose report no longer matches what the daemon lists. Nothing else: at idle, with
 * everything Ready and in place, the check costs its two list calls and no reconciliation.
 */
public final class Drift {

  private Drift() {}

  /**
   * @param reports this node's reports of one kind
   * @param stillTrue whether a Ready report still describes the daemon
   * @return the parents of the reports that need a look
   */
  public static <S extends NodeReport, R extends CustomResource<?, S>> Set<ResourceID> of(
      Stream<R> reports, Predicate<S> stillTrue) {
    return reports
        .filter(
            r -> {
              S report = r.getStatus();
              return report == null || report.phase != Phase.Ready || !stillTrue.test(report);
            })
        .flatMap(r -> NodeEventSources.owners(r).stream())
        .collect(Collectors.toSet());
  }
}
