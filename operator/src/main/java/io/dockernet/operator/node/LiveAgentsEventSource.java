package io.dockernet.operator.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

/**
 * Wakes every summary of one kind when the set of nodes with a live agent changes: any of them may
 * gain or lose a desired node.
 */
public final class LiveAgentsEventSource<P extends HasMetadata>
    extends SimpleInboundEventSource<P> {

  public LiveAgentsEventSource(LiveAgents agents, EventSourceContext<P> context) {
    super("live-agents");
    agents.addListener(
        () -> {
          if (isRunning()) {
            NodeEventSources.allPrimaries(context).forEach(this::propagateEvent);
          }
        });
  }
}
