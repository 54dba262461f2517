package io.dockernet.operator.node;

import io.dockernet.operator.DaemonThreads;
import io.dockernet.operator.Keys;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The controller's view of which nodes run a live agent, from the agents' heartbeat Leases ({@link
 * AgentHeartbeat}): live while {@code renewTime + leaseDurationSeconds} is in the future. Listeners
 * hear when that set changes, from a Lease event or from a Lease running out (a timer set to the
 * next expiry), so summaries are recomputed then and not on every renewal.
 */
public final class LiveAgents implements AutoCloseable {

  /** Nodes whose agent is alive, and nodes that have a heartbeat Lease at all (live or not). */
  public record Snapshot(Set<String> live, Set<String> known) {}

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer = DaemonThreads.single("live-agents");
  private volatile SharedIndexInformer<Lease> informer;
  private volatile Set<String> lastLive = Set.of();
  private ScheduledFuture<?> nextExpiry;

  public LiveAgents(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  /**
   * Starts watching the heartbeat Leases; returns once they are listed, so the first summaries
   * already see every live agent.
   */
  public void start() {
    informer =
        client
            .leases()
            .inNamespace(namespace)
            .withLabel(Keys.HEARTBEAT_LABEL)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Lease lease) {
                    changed();
                  }

                  @Override
                  public void onUpdate(Lease before, Lease after) {
                    changed();
                  }

                  @Override
                  public void onDelete(Lease lease, boolean unknownFinalState) {
                    changed();
                  }
                });
    changed();
  }

  /** Called with no arguments whenever the set of live agents changed. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  /** True while the Leases are watched (for the controller's health probe). */
  public boolean isWatching() {
    return informer != null && informer.isWatching();
  }

  public Snapshot snapshot() {
    Instant now = clock.instant();
    List<Lease> leases = informer == null ? List.of() : informer.getStore().list();
    Set<String> known =
        leases.stream()
            .map(LiveAgents::holder)
            .flatMap(Optional::stream)
            .collect(Collectors.toUnmodifiableSet());
    Set<String> live =
        leases.stream()
            .filter(l -> expiry(l).map(now::isBefore).orElse(false))
            .map(LiveAgents::holder)
            .flatMap(Optional::stream)
            .collect(Collectors.toUnmodifiableSet());
    return new Snapshot(live, known);
  }

  /** Recomputes the live set; tells listeners if it changed; sets the timer to the next expiry. */
  private synchronized void changed() {
    if (informer == null) {
      return; // events of the initial listing: start() looks once it is complete
    }
    Set<String> live = snapshot().live();
    if (!live.equals(lastLive)) {
      lastLive = live;
      listeners.forEach(Runnable::run);
    }
    if (nextExpiry != null) {
      nextExpiry.cancel(false);
    }
    Instant now = clock.instant();
    Optional<Instant> next =
        informer.getStore().list().stream()
            .map(LiveAgents::expiry)
            .flatMap(Optional::stream)
            .filter(now::isBefore)
            .min(Instant::compareTo);
    if (next.isPresent() && !timer.isShutdown()) {
      // A little after the expiry, so that the Lease has surely run out when looked at again.
      long delay = Duration.between(now, next.get()).toMillis() + 100;
      nextExpiry = timer.schedule(this::changed, delay, TimeUnit.MILLISECONDS);
    }
  }

  private static Optional<String> holder(Lease lease) {
    return Optional.ofNullable(lease.getSpec()).map(LeaseSpec::getHolderIdentity);
  }

  private static Optional<Instant> expiry(Lease lease) {
    LeaseSpec spec = lease.getSpec();
    if (spec == null || spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
      return Optional.empty();
    }
    return Optional.of(spec.getRenewTime().toInstant().plusSeconds(spec.getLeaseDurationSeconds()));
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (informer != null) {
      informer.close();
    }
  }
}
