package io.dockernet.operator.docker;

import io.dockernet.operator.docker.DockerGateway.DockerEvent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns Docker events into reconciliations of the primaries they concern, and a lost stream into a
 * reconciliation of all of them (a full re-list against the daemon).
 */
public final class DockerEventSource<P extends HasMetadata> extends SimpleInboundEventSource<P> {

  public DockerEventSource(
      String name,
      DockerEventHub hub,
      Function<DockerEvent, Collection<ResourceID>> affected,
      Supplier<Collection<ResourceID>> all) {
    super(name);
    hub.addListener(
        event -> {
          if (isRunning()) {
            affected.apply(event).forEach(this::propagateEvent);
          }
        },
        () -> {
          if (isRunning()) {
            all.get().forEach(this::propagateEvent);
          }
        });
  }
}
