package io.dockernet.operator.status;

import io.dockernet.operator.DaemonThreads;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events (what `kubectl describe` shows). Events of cluster-scoped objects live
 * in the "default" namespace, as the API server's own do. An Event identical to one recorded before
 * (same object, type, reason and message) is not created again: the earlier one's {@code count},
 * {@code lastTimestamp} and {@code series} go up, as client-go's recorder does, so a condition that
 * repeats on every pass shows as "x12 over 5m" rather than twelve Events. A failed Event write is
 * logged, never fatal: Events are a courtesy, status is the truth.
 *
 * <p>Events are written by one thread of their own, in the order recorded, so a reconciliation
 * never waits for one: the per-node report is what callers wait for.
 */
public final class EventRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  /** How many distinct Events are remembered for aggregation (the oldest are forgotten). */
  private static final int REMEMBERED = 4096;

  /** Events waiting to be written at most; more are dropped (and logged) rather than block. */
  private static final int QUEUED = 10_000;

  private final KubernetesClient client;
  private final String component;
  private final String host;
  private final Clock clock;
  private final ThreadPoolExecutor writer =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(QUEUED),
          DaemonThreads.named("event-writer"),
          (task, pool) -> LOG.warn("Dropped an Event: {} are waiting to be written", QUEUED));

  private final Map<Key, Recorded> recorded =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Recorded> eldest) {
          return size() > REMEMBERED;
        }
      };

  public EventRecorder(KubernetesClient client, String component, String host) {
    this(client, component, host, Clock.systemUTC());
  }

  EventRecorder(KubernetesClient client, String component, String host, Clock clock) {
    this.client = client;
    this.component = component;
    this.host = host;
    this.clock = clock;
  }

  /** An Event to record: Normal or Warning, a CamelCase reason and a message. */
  public record Note(boolean warning, String reason, String message) {}

  /** What makes two Events the same one, happening again. */
  private record Key(String namespace, String uid, String type, String reason, String message) {}

  /** An Event already in the API: its name, how often it happened, since when. */
  private record Recorded(String name, int count, String firstTimestamp) {}

  /** Records what an agent noted about an object on its node; the message names the node. */
  public void record(HasMetadata object, List<Note> notes) {
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
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    writer.execute(() -> write(object, type, reason, message, now));
  }

  private void write(HasMetadata object, String type, String reason, String message, String now) {
    String namespace =
        object.getMetadata().getNamespace() == null
            ? "default"
            : object.getMetadata().getNamespace();
    String text = message.length() > 1000 ? message.substring(0, 1000) : message;
    Key key = new Key(namespace, object.getMetadata().getUid(), type, reason, text);
    try {
      Recorded before = remembered(key);
      if (before != null && repeated(namespace, before, now)) {
        remember(key, new Recorded(before.name(), before.count() + 1, before.firstTimestamp()));
        return;
      }
      String name = create(object, namespace, type, reason, text, now);
      remember(key, new Recorded(name, 1, now));
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Could not record event {} on {}: {}",
          reason,
          object.getMetadata().getName(),
          e.getMessage());
    }
  }

  /**
   * Counts one more occurrence on the Event recorded before; false when it is gone (Events expire,
   * an hour by default), so that a new one is created.
   */
  private boolean repeated(String namespace, Recorded before, String now) {
    int count = before.count() + 1;
    String micro = clock.instant().truncatedTo(ChronoUnit.MICROS).toString();
    String patch =
        "{\"count\":"
            + count
            + ",\"lastTimestamp\":\""
            + now
            + "\",\"series\":{\"count\":"
            + count
            + ",\"lastObservedTime\":\""
            + micro
            + "\"}}";
    try {
      // Through resource(...) so that fabric8 does not read the Event first: the agent may create
      // and patch Events, not read them.
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(before.name())
                  .withNamespace(namespace)
                  .endMetadata()
                  .build())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private String create(
      HasMetadata object, String namespace, String type, String reason, String text, String now) {
    String name =
        object.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8);
    client
        .v1()
        .events()
        .inNamespace(namespace)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
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
                .withMessage(text)
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
    return name;
  }

  private synchronized Recorded remembered(Key key) {
    return recorded.get(key);
  }

  private synchronized void remember(Key key, Recorded value) {
    recorded.put(key, value);
  }

  /** Writes what is still queued (for a few seconds at most), then stops. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("{} Events not written before shutdown", writer.getQueue().size());
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      writer.shutdownNow();
    }
  }
}
