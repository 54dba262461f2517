package io.dockernet.operator.node;

import io.dockernet.operator.DaemonThreads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.ResourceAction;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reconciles an object created again under the name of one whose deletion is being handled. JOSDK
 * 5.3 with {@code triggerReconcilerOnAllEvents} drops what it keeps for a name once it has handled
 * a deletion, the creation of the new object included if that arrived meanwhile; and if the
 * creation arrived before the deletion was handled, it hands the new object itself to the
 * reconciler as the deleted one. Either way the new object would be seen by nothing until it
 * changes again (a DockerNetwork deleted and applied again at once got no summary, AgentSigkillIT
 * found). So a reconciler tells this source each deletion it handled, and an object of that name
 * still in the cache is reconciled once JOSDK is done with the deletion.
 */
public final class RecreatedPrimaries<P extends HasMetadata> extends SimpleInboundEventSource<P> {

  /** Far longer than JOSDK takes to drop its state after the deletion's reconcile returned. */
  private static final long DELAY_MS = 500;

  private final Function<ResourceID, Optional<P>> cached;
  private final ScheduledExecutorService later = DaemonThreads.single("recreated-primaries");

  /**
   * @param cached the primary cache's lookup
   */
  public RecreatedPrimaries(Function<ResourceID, Optional<P>> cached) {
    super("recreated-primaries");
    this.cached = cached;
  }

  /** Called where a deletion is handled ({@code isPrimaryResourceDeleted}). */
  public void deletionHandled(P primary) {
    ResourceID id = ResourceID.fromResource(primary);
    if (cached.apply(id).isPresent()) {
      later.schedule(() -> wake(id), DELAY_MS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * As a change of the object itself: JOSDK drops a plain event for a name it keeps no state for.
   */
  private void wake(ResourceID id) {
    if (isRunning()) {
      cached
          .apply(id)
          .ifPresent(
              p -> getEventHandler().handleEvent(new ResourceEvent(ResourceAction.UPDATED, id, p)));
    }
  }

  @Override
  public void stop() {
    later.shutdownNow();
    super.stop();
  }
}
