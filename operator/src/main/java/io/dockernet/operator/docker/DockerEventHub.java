package io.dockernet.operator.docker;

import io.dockernet.operator.docker.DockerGateway.DockerEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one daemon's event stream for the whole agent and fans it out. Events are lossy (the
 * daemon drops them for slow readers and while it restarts), so after every (re)subscription each
 * listener is told to re-list everything; a lost stream is resubscribed with capped backoff.
 */
public final class DockerEventHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DockerEventHub.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** Receives events and resync requests. */
  public interface Listener {
    void onEvent(DockerEvent event);

    /** Events may have been missed: compare everything with the daemon again. */
    void onResync();
  }

  private final DockerGateway gateway;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "docker-events-reconnect");
            t.setDaemon(true);
            return t;
          });
  private final Counter reconnects;
  private volatile AutoCloseable subscription;
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile Duration backoff = MIN_BACKOFF;

  public DockerEventHub(DockerGateway gateway, MeterRegistry registry) {
    this.gateway = gateway;
    this.reconnects =
        Counter.builder("dockernet.docker.event.stream.reconnects")
            .description("Times the Docker event stream was lost and subscribed again")
            .register(registry);
    Gauge.builder("dockernet.docker.event.stream.connected", this, h -> h.connected ? 1 : 0)
        .description("1 while the Docker event stream is open (the daemon answered), else 0")
        .register(registry);
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Convenience for listeners that only care about events. */
  public void addListener(Consumer<DockerEvent> onEvent, Runnable onResync) {
    addListener(
        new Listener() {
          @Override
          public void onEvent(DockerEvent event) {
            onEvent.accept(event);
          }

          @Override
          public void onResync() {
            onResync.run();
          }
        });
  }

  /** Subscribes now; failures are retried in the background. */
  public void start() {
    scheduler.execute(this::subscribe);
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    // The call returns before the daemon answers; the stream counts as connected only once it
    // has (onStreamOpened), and not at all if it ended first.
    AtomicBoolean ended = new AtomicBoolean();
    try {
      subscription =
          gateway.subscribe(
              new DockerGateway.DockerEventListener() {
                @Override
                public void onStreamOpened() {
                  synchronized (ended) {
                    if (ended.get() || closed) {
                      return;
                    }
                    connected = true;
                  }
                  LOG.info("Following Docker events");
                  listeners.forEach(Listener::onResync);
                }

                @Override
                public void onEvent(DockerEvent event) {
                  backoff = MIN_BACKOFF;
                  listeners.forEach(l -> l.onEvent(event));
                }

                @Override
                public void onStreamClosed(Throwable cause) {
                  synchronized (ended) {
                    ended.set(true);
                    connected = false;
                  }
                  if (!closed) {
                    LOG.warn("Docker event stream closed ({}); resubscribing", describe(cause));
                    reconnects.increment();
                    retryLater();
                  }
                }
              });
    } catch (DockerException e) {
      LOG.warn("Cannot follow Docker events yet: {}", e.getMessage());
      retryLater();
    }
  }

  /**
   * True while the event stream is open, that is from the daemon's answer to the subscription until
   * the stream ends: the agent then hears about every change, so it is ready. Costs no call to the
   * daemon, unlike a ping per probe.
   */
  public boolean isConnected() {
    return connected;
  }

  private void retryLater() {
    Duration wait = backoff;
    backoff = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
    scheduler.schedule(this::subscribe, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String describe(Throwable cause) {
    return cause == null ? "end of stream" : cause.toString();
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    AutoCloseable s = subscription;
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.debug("closing the event stream", e);
      }
    }
  }
}
