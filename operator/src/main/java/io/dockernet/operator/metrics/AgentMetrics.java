package io.dockernet.operator.metrics;

import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.PassReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The agent's own metrics for one kind, with low-cardinality tags only (kind, outcome, reason,
 * cause — never object or node names): how long reconciling takes, how long a spec change takes to
 * reach Docker, drift repairs, per-node errors by reason, and how many objects are in place.
 */
public final class AgentMetrics {

  /** The Event reason agents use when they undid a change made outside the operator. */
  public static final String DRIFT_REPAIRED = "DriftRepaired";

  private final MeterRegistry registry;
  private final String kind;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Map<String, Phase> phases = new ConcurrentHashMap<>();

  private record Pending(long generation, long seenNanos) {}

  public AgentMetrics(MeterRegistry registry, String kind, String managedGaugeName) {
    this.registry = registry;
    this.kind = kind;
    Gauge.builder(managedGaugeName, ready, Set::size)
        .description("Objects of this kind in place on this node")
        .tag("kind", kind)
        .register(registry);
    // One series per phase, zeros included, so that an alert on Error > 0 has a series to read.
    for (Phase phase : Phase.values()) {
      Gauge.builder("dockernet.objects", phases, m -> count(m, phase))
          .description("Objects of this kind on this node, by the phase this node reports")
          .tag("kind", kind)
          .tag("phase", phase.name())
          .register(registry);
    }
  }

  private static long count(Map<String, Phase> phases, Phase phase) {
    return phases.values().stream().filter(phase::equals).count();
  }

  /** The phase this node last reported for the object. */
  public void phase(String name, Phase phase) {
    phases.put(name, phase);
  }

  /** Times one reconciliation; {@code outcome} is the resulting phase (or "skipped", "error"). */
  public void reconciled(Duration took, String outcome) {
    Timer.builder("dockernet.reconcile")
        .description("Time to reconcile one object on one node")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .register(registry)
        .record(took);
  }

  /**
   * One of the agent's writes to the API server ({@code operation}: finalizer, report): the part of
   * a reconcile that is neither Docker nor the agent's own work.
   */
  public void kubernetesWrite(String operation, Duration took) {
    Timer.builder("dockernet.kubernetes.write")
        .description("One write of this node's agent to the API server")
        .tag("kind", kind)
        .tag("operation", operation)
        .register(registry)
        .record(took);
  }

  /** Runs and times one write to the API server (see {@link #kubernetesWrite}). */
  public <T> T timedWrite(String operation, Supplier<T> write) {
    long started = System.nanoTime();
    try {
      return write.get();
    } finally {
      kubernetesWrite(operation, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * A starting agent's first pass kept the object's report without reading Docker: an overview of
   * the daemon showed it exactly as reported.
   */
  public void trusted() {
    Counter.builder("dockernet.reports.trusted")
        .description(
            "Reports the agent's first pass after its start kept without reading Docker, an"
                + " overview of the daemon showing them exactly")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  /** Notes when a generation was first seen, so its apply latency can be measured. */
  public void seen(String name, long generation) {
    pending.compute(
        name,
        (k, p) ->
            p != null && p.generation == generation
                ? p
                : new Pending(generation, System.nanoTime()));
  }

  /** The object's generation is in place on this node (or, with {@code false}, no longer). */
  public void inPlace(String name, long generation, boolean inPlace) {
    if (!inPlace) {
      ready.remove(name);
      return;
    }
    ready.add(name);
    Pending p = pending.remove(name);
    if (p != null && p.generation == generation) {
      Timer.builder("dockernet.apply.latency")
          .description("From a new generation being seen to Docker matching it on this node")
          .tag("kind", kind)
          .register(registry)
          .record(Duration.ofNanos(System.nanoTime() - p.seenNanos));
    }
  }

  /**
   * Records what a pass ended in: in place or not, a per-node error by reason, drift repaired.
   *
   * @param result the pass's report; null when the node had nothing to do with the object
   * @param driftCause the cause tag for this kind's drift repairs
   */
  public void report(String name, long generation, PassReport<?> result, String driftCause) {
    if (result == null || result.released) {
      forget(name);
      return;
    }
    Phase phase = result.report.phase;
    phase(name, phase);
    inPlace(name, generation, phase == Phase.Ready);
    if (phase != Phase.Ready && phase != Phase.Pending && phase != Phase.Waiting) {
      nodeError(result.report.reason);
    }
    result.notes.stream()
        .filter(n -> n.reason().equals(DRIFT_REPAIRED))
        .forEach(n -> driftRepaired(driftCause));
  }

  /** The object is gone from this node's concern. */
  public void forget(String name) {
    pending.remove(name);
    ready.remove(name);
    phases.remove(name);
  }

  public void driftRepaired(String cause) {
    Counter.builder("dockernet.drift.repairs")
        .description("Changes made outside the operator that it undid")
        .tag("kind", kind)
        .tag("cause", cause)
        .register(registry)
        .increment();
  }

  public void nodeError(String reason) {
    Counter.builder("dockernet.node.errors")
        .description("Reconciliations that ended in a per-node error, by reason")
        .tag("kind", kind)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
