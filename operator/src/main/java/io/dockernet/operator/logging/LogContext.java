package io.dockernet.operator.logging;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.MDC;

/**
 * Puts the object being reconciled ({@code kind}, {@code name}) and the node acted for ({@code
 * node}) into the MDC of the reconciling thread, so that every line logged meanwhile, by our code
 * or a library's, can be filtered by them; JSON logs carry them as fields.
 */
public final class LogContext implements AutoCloseable {

  public static final String KIND = "kind";
  public static final String NAME = "name";
  public static final String NODE = "node";

  private LogContext() {}

  /** For the duration of a try-with-resources block; {@code node} null for the controller. */
  public static LogContext of(HasMetadata object, String node) {
    MDC.put(KIND, object.getKind());
    MDC.put(NAME, object.getMetadata().getName());
    if (node != null) {
      MDC.put(NODE, node);
    }
    return new LogContext();
  }

  @Override
  public void close() {
    // Reconciler threads are pooled: nothing may leak into the next object's lines.
    MDC.remove(KIND);
    MDC.remove(NAME);
    MDC.remove(NODE);
  }
}
