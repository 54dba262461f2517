package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.Overview;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What an agent knows about one kind of object that {@link AgentPass} does not: how the object
 * selects nodes, how its Docker side is made and let go, what its report keeps through an outage,
 * and which Docker events and overviews concern it.
 *
 * @param <P> the kind (DockerNetwork, ContainerAttachment)
 * @param <S> this node's report on one object
 * @param <R> the object that carries that report
 */
public interface AgentKind<
    P extends HasMetadata, S extends NodeReport, R extends CustomResource<Void, S>> {

  /** Whether the object selects a node with these labels. */
  boolean selects(P primary, Map<String, String> nodeLabels);

  /**
   * Whether a selected node that holds nothing of the object yet takes part now (a
   * ContainerAttachment without a nodeSelector only where its container exists; one whose network
   * is still being made on the node once it is there).
   */
  default boolean joins(P primary, Context<P> context, Map<String, String> nodeLabels) {
    return true;
  }

  /** Makes this node's Docker match the object. */
  PassReport<S> ensure(P primary, Context<P> context, S previous, ReportWriter<S> pending);

  /** Lets go of what this node holds for the object (deleted, or no longer selecting the node). */
  PassReport<S> release(
      P primary, Context<P> context, S previous, ReportWriter<S> pending, String why);

  /** Whether a report ends the retries: what moves the object on now is an event, not time. */
  default boolean settled(S report) {
    return report.phase == Phase.Ready;
  }

  /** A fixed time after which to look again at a report that is neither settled nor failing. */
  default Optional<Duration> recheck(S report) {
    return Optional.empty();
  }

  /**
   * The report to write while Docker is unavailable: what must survive the outage, taken from the
   * previous report; null to write none.
   *
   * @param selected the node takes part according to its labels
   */
  S unavailable(P primary, S previous, boolean selected);

  /** The objects a Docker event concerns. */
  Collection<ResourceID> affected(DockerEvent event, Stream<P> primaries);

  /** Whether what a Ready report says still holds in an overview of the daemon. */
  boolean stillTrue(S report, Overview overview);

  /**
   * Whether an overview shows the daemon exactly as a Ready report, written for the object's
   * current generation through the same Engine, describes it: so exactly that a pass would change
   * nothing and write the same report. A starting agent's first pass then keeps the report instead
   * of reading the daemon ({@link FirstPassTrust}); a kind that keeps in-memory state from its
   * passes fills it from the report when it says yes. By default it never does.
   */
  default boolean shownExactly(P primary, Context<P> context, S report, Overview overview) {
    return false;
  }

  /** Given this node's labels and an overview of its daemon, which objects take part here. */
  default Predicate<P> takesPart(Overview overview, Map<String, String> nodeLabels) {
    return primary -> selects(primary, nodeLabels);
  }

  /** The object is gone: drop what was kept about it. */
  default void forget(String name) {}

  /**
   * The parent of this node's report is gone without this node's release (see {@link
   * LeftoverReports}): clean up what the report names, as the release would have. Returns true when
   * the report may go; by default nothing is touched and the report stays.
   *
   * @param ownerUid the UID of the gone parent
   */
  default boolean abandoned(S report, String ownerUid) {
    return false;
  }
}
