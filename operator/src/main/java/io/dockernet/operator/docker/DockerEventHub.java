package io.dockernet.operator.docker;

import io.dockernet.operator.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one daemon's event stream for the whole agent and fans it out. Events are lossy (the
 * daemon drops them for slow readers and while it restarts), so after every (re)subscription each
 * listener is told to re-list everything; a lost stream is resubscribed with capped backoff. The
 * backstop for events lost without the stream noticing is a periodic {@link Overview}: one list of
 * networks and one of containers per period for the whole agent, which each listener compares with
 * what its objects last reported, whatever the number of objects.
 */
public final class DockerEventHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DockerEventHub.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** As often as the per-object pass it replaces ran: drift is found within a minute. */
  public static final Duration DEFAULT_DRIFT_CHECK_INTERVAL = Duration.ofSeconds(60);

  /** Receives events and resync requests. */
  public interface Listener {
    void onEvent(DockerEvent event);

    /** Events may have been missed: compare everything with the daemon again. */
    void onResync();

    /** The daemon as listed now: wake whatever no longer looks as it last reported. */
    void onOverview(Overview overview);
  }

  private final DockerGateway gateway;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler =
      DaemonThreads.single("docker-events-reconnect");
  private final ScheduledExecutorService driftChecks = DaemonThreads.single("docker-drift-check");
  private final Duration driftCheckInterval;
  private final Counter reconnects;
  private volatile AutoCloseable subscription;
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile Duration backoff = MIN_BACKOFF;
  private final CountDownLatch firstAnswer = new CountDownLatch(1);

  /** With the default drift check period. */
  public DockerEventHub(DockerGateway gateway, MeterRegistry registry) {
    this(gateway, registry, DEFAULT_DRIFT_CHECK_INTERVAL);
  }

  public DockerEventHub(
      DockerGateway gateway, MeterRegistry registry, Duration driftCheckInterval) {
    this.gateway = gateway;
    this.driftCheckInterval = driftCheckInterval;
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

  /** Subscribes now; failures are retried in the background. Checks drift once per period. */
  public void start() {
    scheduler.execute(this::subscribe);
    driftChecks.scheduleWithFixedDelay(
        this::checkDrift,
        driftCheckInterval.toMillis(),
        driftCheckInterval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Lists the daemon once and hands the result to every listener. Skipped while the stream is down:
   * the resubscription re-lists everything anyway.
   */
  void checkDrift() {
    if (closed || !connected) {
      return;
    }
    try {
      Overview overview = gateway.overview();
      listeners.forEach(l -> l.onOverview(overview));
    } catch (DockerException e) {
      LOG.debug("Drift check skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      // A listener's bug must not end the periodic check (the scheduler would stop silently).
      LOG.warn("Drift check failed", e);
    }
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
              new DockerEventListener() {
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
                  // After the resync: whoever waited for the answer finds its listeners settled.
                  firstAnswer.countDown();
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
   * Waits, at most {@code max}, for the daemon's first answer to the subscription.
   *
   * @return whether it answered
   */
  public boolean awaitFirstAnswer(Duration max) {
    try {
      return firstAnswer.await(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
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
    driftChecks.shutdownNow();
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
