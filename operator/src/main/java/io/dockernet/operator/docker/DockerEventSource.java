package io.dockernet.operator.docker;

import io.dockernet.operator.docker.DockerGateway.DockerEvent;
import io.dockernet.operator.docker.DockerGateway.Overview;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns Docker events into reconciliations of the primaries they concern, a lost stream into a
 * reconciliation of all of them (a full re-list against the daemon), and the periodic overview into
 * a reconciliation of those that drifted from what they last reported.
 */
public final class DockerEventSource<P extends HasMetadata> extends SimpleInboundEventSource<P> {

  /**
   * @param affected the primaries an event concerns
   * @param all every primary (after the stream was lost)
   * @param drifted the primaries an overview of the daemon shows out of step with their reports
   */
  public DockerEventSource(
      String name,
      DockerEventHub hub,
      Function<DockerEvent, Collection<ResourceID>> affected,
      Supplier<Collection<ResourceID>> all,
      Function<Overview, Collection<ResourceID>> drifted) {
    super(name);
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
      ids.get().forEach(this::propagateEvent);
    }
  }
}
