package io.dockernet.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events (what `kubectl describe` shows). Events of cluster-scoped objects live
 * in the "default" namespace, as the API server's own do. A failed event write is logged, never
 * fatal: events are a courtesy, status is the truth.
 */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final String component;
  private final String host;

  public EventRecorder(KubernetesClient client, String component, String host) {
    this.client = client;
    this.component = component;
    this.host = host;
  }

  /** An Event to record: Normal or Warning, a CamelCase reason and a message. */
  public record Note(boolean warning, String reason, String message) {}

  /** Records what an agent noted about an object on its node; the message names the node. */
  public void record(HasMetadata object, java.util.List<Note> notes) {
    for (Note note : notes) {
      String message = note.message() + " (node " + host + ")";
      record(object, note.warning() ? "Warning" : "Normal", note.reason(), message);
    }
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace =
        object.getMetadata().getNamespace() == null
            ? "default"
            : object.getMetadata().getNamespace();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      object.getMetadata().getName()
                          + "."
                          + UUID.randomUUID().toString().substring(0, 8))
                  .withNamespace(namespace)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(object.getApiVersion())
                          .withKind(object.getKind())
                          .withName(object.getMetadata().getName())
                          .withUid(object.getMetadata().getUid())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(component)
                  .withHost(host)
                  .endSource()
                  .withReportingComponent(component)
                  .withReportingInstance(host == null ? component : host)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Could not record event {} on {}: {}",
          reason,
          object.getMetadata().getName(),
          e.getMessage());
    }
  }
}
