package io.dockernet.operator.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.function.Consumer;

/**
 * Wakes every primary when a cluster-wide fact changes (the live agents, the Nodes): one shared
 * watch feeds each controller that needs it, instead of an informer per controller.
 */
public final class EveryPrimaryEventSource<P extends HasMetadata>
    extends SimpleInboundEventSource<P> {

  /**
   * @param subscribe registers the listener to call on every change
   */
  public EveryPrimaryEventSource(
      String name, Consumer<Runnable> subscribe, EventSourceContext<P> context) {
    super(name);
    subscribe.accept(
        () -> {
          if (isRunning()) {
            NodeEventSources.allPrimaries(context).forEach(this::propagateEvent);
          }
        });
  }
}
