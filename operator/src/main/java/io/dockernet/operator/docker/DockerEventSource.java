package io.dockernet.operator.docker;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.ResourceAction;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns Docker events into reconciliations of the primaries they concern, a lost stream into a
 * reconciliation of all of them (a full re-list against the daemon), and the periodic overview into
 * a reconciliation of those that drifted from what they last reported.
 *
 * <p>Each wake is handed to JOSDK as a change of the primary itself, not as a plain event: JOSDK
 * 5.3 drops plain events for a primary it keeps no state for.
 */
public final class DockerEventSource<P extends HasMetadata> extends SimpleInboundEventSource<P> {

  private final Function<ResourceID, Optional<P>> cached;

  /**
   * @param cached the primary cache's lookup
   * @param affected the primaries an event concerns
   * @param all every primary (after the stream was lost)
   * @param drifted the primaries an overview of the daemon shows out of step with their reports
   */
  public DockerEventSource(
      String name,
      DockerEventHub hub,
      Function<ResourceID, Optional<P>> cached,
      Function<DockerEvent, Collection<ResourceID>> affected,
      Supplier<Collection<ResourceID>> all,
      Function<Overview, Collection<ResourceID>> drifted) {
    super(name);
    this.cached = cached;
    hub.addListener(
        new DockerEventHub.Listener() {
          @Override
          public void onEvent(DockerEvent event) {
            wake(() -> affected.apply(event));
          }

          @Override
          public void onResync() {
            wake(all);
          }

          @Override
          public void onOverview(Overview overview) {
            wake(() -> drifted.apply(overview));
          }
        });
  }

  private void wake(Supplier<Collection<ResourceID>> ids) {
    if (isRunning()) {
      ids.get().forEach(this::wake);
    }
  }

  private void wake(ResourceID id) {
    if (!isRunning()) {
      return;
    }
    Optional<P> primary = cached.apply(id);
    if (primary.isPresent()) {
      getEventHandler().handleEvent(new ResourceEvent(ResourceAction.UPDATED, id, primary.get()));
    } else {
      propagateEvent(id);
    }
  }
}
