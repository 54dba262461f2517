package io.dockernet.operator.node;

import io.dockernet.operator.AgentContext;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerEventSource;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.docker.OwnWrites;
import io.dockernet.operator.logging.LogContext;
import io.dockernet.operator.metrics.AgentMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pass every agent makes over one object on its node, whatever the kind: is the node selected;
 * hold this node's finalizer; make Docker match ({@link AgentKind#ensure}) or let go ({@link
 * AgentKind#release}); write this node's report; record events; decide when to look again. Also the
 * event sources every agent has: this node's Node, its own reports, Docker's event stream and the
 * periodic overview of the daemon.
 */
public final class AgentPass<
        P extends HasMetadata, S extends NodeReport, R extends CustomResource<Void, S>>
    implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentPass.class);

  private final AgentContext agent;
  private final AgentKind<P, S, R> kind;
  private final Reports<S, R> reportKind;
  private final AgentMetrics metrics;
  private final ErrorBackoff backoff = new ErrorBackoff();
  private final OwnWrites own;
  private final FirstPassTrust firstPasses;

  private final ReportWrites<P, S, R> writes;
  private LeftoverReports<S, R> leftovers;
  private InformerEventSource<R, P> reports;
  private InformerEventSource<Node, P> thisNode;
  private DockerEventSource<P> dockerEvents;
  private RecreatedPrimaries<P> recreated;
  private IndexerResourceCache<P> primaries;

  /**
   * The report objects of a kind: their class, how to make one, the label that names their parent
   * on them; and where the metrics count a repair that Docker events forced (e.g. network_removed).
   */
  public record Reports<S extends NodeReport, R extends CustomResource<Void, S>>(
      Class<R> type, Supplier<R> factory, String parentLabel, String driftCause) {}

  /**
   * @param own the kind's Docker changes, made through {@link OwnWrites#recording}: their echo does
   *     not wake the object whose pass made them
   */
  public AgentPass(
      AgentContext agent,
      AgentKind<P, S, R> kind,
      Reports<S, R> reports,
      AgentMetrics metrics,
      OwnWrites own) {
    this.agent = agent;
    this.own = own;
    this.kind = kind;
    this.reportKind = reports;
    this.metrics = metrics;
    this.writes = new ReportWrites<>(agent, reports, metrics);
    this.firstPasses =
        new FirstPassTrust(agent.docker(), agent.reportStore(), agent.trustsReports());
  }

  /** This node's Node, its own reports, and Docker's events and overviews. */
  public List<EventSource<?, P>> eventSources(EventSourceContext<P> context, String dockerName) {
    primaries = context.getPrimaryCache();
    thisNode = NodeEventSources.thisNode(context, agent.nodeName());
    reports =
        NodeEventSources.ownReports(
            context, reportKind.type(), agent.nodeName(), report -> leftovers.deleted(report));
    writes.through(reports);
    dockerEvents =
        new DockerEventSource<>(
            dockerName,
            agent.dockerEvents(),
            context.getPrimaryCache()::get,
            event -> own.withoutEcho(event, kind.affected(event, context.getPrimaryCache().list())),
            () -> NodeEventSources.allPrimaries(context),
            overview ->
                Drift.wake(
                    reports,
                    thisNode,
                    agent.nodeName(),
                    context.getPrimaryCache().list(),
                    (S report) -> kind.stillTrue(report, overview),
                    labels -> kind.takesPart(overview, labels),
                    backoff::failing));
    leftovers =
        new LeftoverReports<>(
            () -> reports.list().toList(),
            name -> reports.get(new ResourceID(name)),
            name -> context.getPrimaryCache().get(new ResourceID(name)).isPresent(),
            name ->
                agent.client().resources(context.getPrimaryResourceClass()).withName(name).get()
                    != null,
            kind::abandoned,
            report -> agent.client().resource(report).lockResourceVersion().delete());
    leftovers.start(agent.dockerEvents());
    recreated = new RecreatedPrimaries<>(context.getPrimaryCache()::get);
    return List.of(thisNode, reports, dockerEvents, recreated);
  }

  /** Lets the pass's own threads go, once the operator no longer reconciles. */
  @Override
  public void close() {
    writes.close();
    leftovers.close();
  }

  /** Whether every object of this kind had a pass since the agent started (see PassRules). */
  public boolean passedAll() {
    return primaries != null
        && firstPasses.passedAll(primaries.list().map(p -> p.getMetadata().getName()));
  }

  /** Whether the object's last pass failed and it waits for its backoff. */
  public boolean failing(String name) {
    return backoff.failing(name);
  }

  public UpdateControl<P> reconcile(P primary, Context<P> context) {
    return own.during(ResourceID.fromResource(primary), () -> pass(primary, context));
  }

  private UpdateControl<P> pass(P primary, Context<P> context) {
    try (LogContext logged = LogContext.of(primary, agent.nodeName())) {
      String name = primary.getMetadata().getName();
      boolean first = firstPasses.first(name);
      if (context.isPrimaryResourceDeleted()) {
        firstPasses.forget(name);
        backoff.succeeded(name);
        metrics.forget(name);
        kind.forget(name);
        recreated.deletionHandled(primary);
        leftovers.afterDeletion(writes.reportName(name), primary.getMetadata().getUid());
        return UpdateControl.noUpdate();
      }
      long started = System.nanoTime();
      long generation = generationOf(primary);
      String report = "error";
      metrics.seen(name, generation);
      try {
        PassReport<S> result = onNode(primary, context, first);
        report = result == null ? "skipped" : result.report.phase.name();
        metrics.report(name, generation, result, reportKind.driftCause());
        return next(name, result);
      } finally {
        metrics.reconciled(Duration.ofNanos(System.nanoTime() - started), report);
      }
    }
  }

  /**
   * A pass that Docker's absence stopped still reports it, keeping what the report must carry
   * through the outage; JOSDK then retries with its backoff.
   */
  public ErrorStatusUpdateControl<P> updateErrorStatus(P primary, Context<P> context, Exception e) {
    DockerUnavailableException unavailable = DockerUnavailableException.causing(e);
    if (unavailable == null) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    try (LogContext logged = LogContext.of(primary, agent.nodeName())) {
      metrics.nodeError(unavailable.reason()); // DockerUnavailable, EngineTooOld, EngineTooNew
      metrics.phase(primary.getMetadata().getName(), Phase.Error);
      R previous = context.getSecondaryResource(reportKind.type()).orElse(null);
      S report =
          kind.unavailable(
              primary, previous == null ? null : previous.getStatus(), selected(primary, context));
      if (report != null) {
        report.observedGeneration = primary.getMetadata().getGeneration();
        PassReport<S> out =
            PassReport.of(report, Phase.Error, unavailable.reason(), unavailable.reportMessage());
        try {
          writes.write(primary, out, previous);
        } catch (RuntimeException ignored) {
          // The report is best effort; the retry matters.
        }
      }
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private PassReport<S> onNode(P primary, Context<P> context, boolean first) {
    if (context.getSecondaryResource(Node.class).isEmpty()) {
      return null; // not (or no longer) registered: the controller cleans up after this node
    }
    ReportWrites<P, S, R>.Writer pending =
        writes.writer(primary, context.getSecondaryResource(reportKind.type()));
    String finalizer = NodeFinalizer.of(agent.nodeName());
    boolean held = primary.getMetadata().getFinalizers().contains(finalizer);
    if (!selected(primary, context)) {
      if (!pending.exists() && !held) {
        return null;
      }
      String why =
          (primary.isMarkedForDeletion() ? NodeReason.Deleted : NodeReason.NodeNotSelected).name();
      PassReport<S> out = kind.release(primary, context, pending.stored(), pending, why);
      LOG.debug(
          "Release ({}, uid {}, finalizers {}): released {}, {}",
          why,
          primary.getMetadata().getUid(),
          primary.getMetadata().getFinalizers(),
          out.released,
          out.report.reason);
      agent.events().record(primary, out.notes);
      settle(primary, pending, out);
      if (out.released) {
        metrics.timedWrite(
            "finalizer",
            () -> NodeFinalizer.remove(agent.client(), typeOf(primary), primary, finalizer));
      }
      return out;
    }
    if (!pending.exists() && !held && !kind.joins(primary, context, nodeLabels(context))) {
      return null;
    }
    if (held && first && trusted(primary, context, pending.stored())) {
      return new PassReport<>(pending.stored());
    }
    // The finalizer goes on beside the Docker work, not before it: a pass that made something
    // for an object deleted meanwhile learns so from the finalizer's answer and lets go at once,
    // and one that missed even that (kubernetes/kubernetes#77988) leaves a report for
    // LeftoverReports.
    CompletableFuture<Boolean> holding =
        held
            ? CompletableFuture.completedFuture(true)
            : writes.aside(
                () ->
                    metrics.timedWrite(
                        "finalizer",
                        () ->
                            NodeFinalizer.add(
                                agent.client(), typeOf(primary), primary, agent.nodeName())));
    PassReport<S> out = kind.ensure(primary, context, pending.stored(), pending);
    pending.write(out);
    agent.events().record(primary, out.notes);
    if (holding.join()) { // a failed add fails the pass, to be retried
      return out;
    }
    LOG.debug("Finalizer not added: uid {} is gone or deleting", primary.getMetadata().getUid());
    PassReport<S> released =
        kind.release(primary, context, pending.stored(), pending, NodeReason.Deleted.name());
    settle(primary, pending, released);
    return released;
  }

  /** Whether the first pass after a start keeps the report as it is: see {@link FirstPassTrust}. */
  private boolean trusted(P primary, Context<P> context, S report) {
    boolean trusted =
        firstPasses
            .overviewFor(report, generationOf(primary))
            .filter(overview -> kind.shownExactly(primary, context, report, overview))
            .isPresent();
    if (trusted) {
      metrics.trusted();
    }
    return trusted;
  }

  /** Ends a release: a node that let go deletes its report, one still holding on says why. */
  private void settle(P primary, ReportWrites<P, S, R>.Writer pending, PassReport<S> out) {
    if (!out.released) {
      pending.write(out);
      return;
    }
    if (pending.exists()) { // else no deletion is seen to clear the mark
      leftovers.deletingHere(writes.reportName(primary.getMetadata().getName()));
    }
    writes.delete(primary);
  }

  private boolean selected(P primary, Context<P> context) {
    return !primary.isMarkedForDeletion()
        && context.getSecondaryResource(Node.class).isPresent()
        && kind.selects(primary, nodeLabels(context));
  }

  private Map<String, String> nodeLabels(Context<P> context) {
    return context
        .getSecondaryResource(Node.class)
        .map(node -> node.getMetadata().getLabels())
        .orElse(Map.of());
  }

  private UpdateControl<P> next(String name, PassReport<S> result) {
    if (result == null || result.released || kind.settled(result.report)) {
      backoff.succeeded(name);
      return UpdateControl.noUpdate();
    }
    Duration after = kind.recheck(result.report).orElseGet(() -> backoff.failed(name));
    return UpdateControl.<P>noUpdate().rescheduleAfter(after);
  }

  @SuppressWarnings("unchecked")
  private static <P extends HasMetadata> Class<P> typeOf(P primary) {
    return (Class<P>) primary.getClass();
  }

  private static long generationOf(HasMetadata primary) {
    Long generation = primary.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
