package io.dockernet.operator.node;

import io.dockernet.operator.AgentContext;
import io.dockernet.operator.DaemonThreads;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.metrics.AgentMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How an agent's passes write this node's reports of one kind: through the agent's informer of them
 * (its cache holds each write at once), timed, one write per report; and the node's finalizer,
 * added while the pass works.
 */
final class ReportWrites<
        P extends HasMetadata, S extends NodeReport, R extends CustomResource<Void, S>>
    implements AutoCloseable {

  private final AgentContext agent;
  private final AgentPass.Reports<S, R> kind;
  private final AgentMetrics metrics;

  /**
   * The writes a pass makes beside its Docker work: the node's finalizer (at most one per running
   * pass; idle threads go).
   */
  private final ThreadPoolExecutor ahead =
      new ThreadPoolExecutor(
          0,
          32,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          DaemonThreads.named("pass-aside"),
          new ThreadPoolExecutor.CallerRunsPolicy());

  private InformerEventSource<R, P> reports;

  ReportWrites(AgentContext agent, AgentPass.Reports<S, R> kind, AgentMetrics metrics) {
    this.agent = agent;
    this.kind = kind;
    this.metrics = metrics;
  }

  /** The agent's informer of its own reports of this kind, once it exists. */
  void through(InformerEventSource<R, P> reports) {
    this.reports = reports;
  }

  /** Lets the threads go; a write still under way finishes on its own. */
  @Override
  public void close() {
    ahead.shutdown();
  }

  /** Runs a write of the pass beside its Docker work. */
  <T> CompletableFuture<T> aside(Supplier<T> write) {
    return CompletableFuture.supplyAsync(write, ahead);
  }

  /** A writer for one pass over {@code primary}, starting from the report as stored. */
  Writer writer(P primary, Optional<R> stored) {
    return new Writer(primary, stored.orElse(null));
  }

  /** Writes the report unless the stored one says the same; returns what is stored now. */
  R write(P primary, PassReport<S> out, R previous) {
    long started = System.nanoTime();
    R stored =
        agent
            .reportStore()
            .write(kind.factory(), primary, kind.parentLabel(), out.report, previous, reports);
    if (stored != previous) { // the same report is not written again
      metrics.kubernetesWrite("report", Duration.ofNanos(System.nanoTime() - started));
    }
    return stored;
  }

  /** The name of this node's report on the object named {@code parentName}. */
  String reportName(String parentName) {
    return ReportStore.nameFor(parentName, agent.nodeName());
  }

  /** Deletes this node's report on {@code primary}. */
  void delete(P primary) {
    metrics.timedWrite(
        "report",
        () -> {
          agent.reportStore().delete(kind.type(), primary.getMetadata().getName());
          return null;
        });
  }

  /** This node's report on one object, as stored now; every write of the pass goes through it. */
  final class Writer implements ReportWriter<S> {
    private final P primary;
    private R latest;

    private Writer(P primary, R stored) {
      this.primary = primary;
      this.latest = stored;
    }

    /** Whether the node has a report object on the primary. */
    boolean exists() {
      return latest != null;
    }

    @Override
    public S stored() {
      return latest == null ? null : latest.getStatus();
    }

    @Override
    public void write(PassReport<S> report) {
      latest = ReportWrites.this.write(primary, report, latest);
    }
  }
}
