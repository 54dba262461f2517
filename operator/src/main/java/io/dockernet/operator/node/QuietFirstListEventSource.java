package io.dockernet.operator.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * A secondary informer whose first list wakes no primary a second time ({@link FirstListAdds}):
 * what it listed at start is in the cache before the first passes read it.
 */
public class QuietFirstListEventSource<R extends HasMetadata, P extends HasMetadata>
    extends InformerEventSource<R, P> {

  private final FirstListAdds<R> firstList;

  public QuietFirstListEventSource(
      InformerEventSourceConfiguration.Builder<R> configuration, EventSourceContext<P> context) {
    this(configuration, context, new FirstListAdds<>());
  }

  private QuietFirstListEventSource(
      InformerEventSourceConfiguration.Builder<R> configuration,
      EventSourceContext<P> context,
      FirstListAdds<R> firstList) {
    super(configuration.withOnAddFilter(firstList).build(), context);
    this.firstList = firstList;
  }

  /** JOSDK starts every source, each synced, before it processes any event. */
  @Override
  public synchronized void start() {
    super.start();
    firstList.listed(list());
  }
}
