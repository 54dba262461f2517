package io.dockernet.operator.docker;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Inspects of containers and networks shared between passes while the daemon is quiet. Every change
 * Docker makes to a network or an endpoint is announced on its event stream, so an answer stays
 * true until the next event: an agent starting with 1,200 objects in place asks about each of its
 * 300 containers and networks once instead of 2,200 times, one pass after another.
 *
 * <p>An answer is shared only while nothing could have changed it: it is dropped on any Docker
 * event (before the event wakes anything, since this listens first), on a resync, before and after
 * each of the agent's own writes, and after {@link #MAX_AGE} whatever happens; nothing is shared
 * while the event stream is down. Each answer is tagged with the generation it was asked in, so one
 * that was in flight while something changed is never shared.
 *
 * <p>An overview of the daemon is shared under the same rules ({@link #quietOverview}), and at most
 * one is taken per {@link #MAX_AGE}: a starting agent's passes trust their reports by it.
 */
public final class SharedReads extends WritesGateway {

  /** A bound on what an unseen change (an event lost with the stream) could leave stale. */
  static final Duration MAX_AGE = Duration.ofSeconds(2);

  private final DockerGateway docker;
  private final DockerEventHub hub;
  private final Duration maxAge;
  private final AtomicLong generation = new AtomicLong();
  private final Map<String, Answer<ContainerInfo>> containers = new ConcurrentHashMap<>();
  private final Map<String, Answer<NetworkInfo>> networks = new ConcurrentHashMap<>();
  private volatile Answer<Overview> overview;

  private record Answer<T>(long generation, long atNanos, Optional<T> value) {}

  /** Reads through {@code docker}; listens to {@code hub}, which must not have started yet. */
  public SharedReads(DockerGateway docker, DockerEventHub hub) {
    this(docker, hub, MAX_AGE);
  }

  /** As above, sharing an answer for at most {@code maxAge} (tests shorten it). */
  SharedReads(DockerGateway docker, DockerEventHub hub, Duration maxAge) {
    this.docker = docker;
    this.hub = hub;
    this.maxAge = maxAge;
    hub.addListener(
        new DockerEventHub.Listener() {
          @Override
          public void onEvent(DockerEvent event) {
            changed();
          }

          @Override
          public void onResync() {
            changed();
          }

          @Override
          public void onOverview(Overview overview) {}
        });
  }

  @Override
  protected DockerGateway delegate() {
    return docker;
  }

  @Override
  public Optional<ContainerInfo> findContainer(String nameOrId) {
    return shared(containers, nameOrId, docker::findContainer);
  }

  @Override
  public Optional<NetworkInfo> findNetwork(String nameOrId) {
    return shared(networks, nameOrId, docker::findNetwork);
  }

  /**
   * The last overview while nothing changed since it was asked for and it is younger than {@link
   * #MAX_AGE}; else a new one, unless one was taken within that age (the daemon is busy: the
   * callers read what they need themselves).
   */
  @Override
  public Optional<Overview> quietOverview() {
    if (!hub.isConnected()) {
      return Optional.empty();
    }
    Answer<Overview> known = overview;
    if (known != null && System.nanoTime() - known.atNanos() < maxAge.toNanos()) {
      return known.generation() == generation.get() ? known.value() : Optional.empty();
    }
    synchronized (this) {
      if (overview != known) { // another caller took one meanwhile
        return quietOverview();
      }
      long asked = generation.get();
      long at = System.nanoTime();
      Optional<Overview> value;
      try {
        value = Optional.of(docker.overview());
      } catch (DockerException e) {
        value = Optional.empty();
      }
      overview = new Answer<>(asked, at, value);
      return asked == generation.get() ? value : Optional.empty();
    }
  }

  @Override
  protected <T> T write(Write write, Supplier<T> call) {
    changed();
    try {
      return call.get();
    } finally {
      changed();
    }
  }

  private <T> Optional<T> shared(
      Map<String, Answer<T>> answers, String nameOrId, Function<String, Optional<T>> read) {
    if (nameOrId == null || !hub.isConnected()) {
      return read.apply(nameOrId);
    }
    long asked = generation.get();
    Answer<T> known = answers.get(nameOrId);
    if (known != null
        && known.generation() == asked
        && System.nanoTime() - known.atNanos() < maxAge.toNanos()) {
      return known.value();
    }
    long at = System.nanoTime();
    Optional<T> value = read.apply(nameOrId);
    answers.put(nameOrId, new Answer<>(asked, at, value));
    return value;
  }

  private void changed() {
    generation.incrementAndGet();
    containers.clear();
    networks.clear();
  }
}
