package io.dockernet.operator.network;

import io.dockernet.operator.AgentContext;
import io.dockernet.operator.DaemonThreads;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.Overview;
import io.dockernet.operator.docker.OwnWrites;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.node.AgentKind;
import io.dockernet.operator.node.AgentPass;
import io.dockernet.operator.node.LabelSelectors;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.node.ReportWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The agent side of DockerNetwork: makes this node's Docker daemon match every DockerNetwork that
 * selects the node, and reports per node. Triggered by the object, this node's Node labels, changes
 * to this node's own reports (other than its own writes) and Docker's event stream; a periodic
 * overview of the daemon is the backstop for lost events.
 *
 * <p>It manages its own per-node finalizer (every agent must clean up before deletion completes),
 * so JOSDK's single shared finalizer is off and the reconciler sees every event.
 */
@ControllerConfiguration(
    name = DockerNetworkAgentReconciler.NAME,
    triggerReconcilerOnAllEvents = true,
    // No per-object periodic pass: the agent's periodic overview of the daemon (two list calls,
    // whatever the number of objects) wakes the objects that drifted; see DockerEventHub.
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
@GradualRetry(
    maxAttempts = 1_000_000,
    initialInterval = 500,
    intervalMultiplier = 2,
    maxInterval = 30_000)
public class DockerNetworkAgentReconciler
    implements Reconciler<DockerNetwork>,
        AgentKind<DockerNetwork, NetworkReport, DockerNetworkNodeState>,
        AutoCloseable {

  public static final String NAME = "dockernetwork-agent";

  private final AgentContext agent;
  private final NodeNetworkSync sync;
  private final AgentPass<DockerNetwork, NetworkReport, DockerNetworkNodeState> pass;
  private final ReleasedNetworks released;
  private final ScheduledExecutorService sweeper = DaemonThreads.single("released-networks");

  public DockerNetworkAgentReconciler(AgentContext agent) {
    this.agent = agent;
    OwnWrites own = new OwnWrites();
    this.sync =
        new NodeNetworkSync(
            own.recording(agent.docker()), agent.guard(), NodeGuard.of(agent.nodePolicy()));
    this.pass =
        new AgentPass<>(
            agent,
            this,
            new AgentPass.Reports<>(
                DockerNetworkNodeState.class,
                DockerNetworkNodeState::new,
                Keys.DOCKER_NETWORK_LABEL,
                "network_removed"),
            new AgentMetrics(agent.metrics(), "DockerNetwork", "dockernet.managed.networks"),
            own);
    this.released = new ReleasedNetworks(agent.docker(), sweeper, Instant::now);
    agent.dockerEvents().addListener(released);
  }

  @Override
  public List<EventSource<?, DockerNetwork>> prepareEventSources(
      EventSourceContext<DockerNetwork> context) {
    return pass.eventSources(context, "docker-network-events");
  }

  @Override
  public UpdateControl<DockerNetwork> reconcile(DockerNetwork dn, Context<DockerNetwork> context) {
    return pass.reconcile(dn, context);
  }

  @Override
  public ErrorStatusUpdateControl<DockerNetwork> updateErrorStatus(
      DockerNetwork dn, Context<DockerNetwork> context, Exception e) {
    return pass.updateErrorStatus(dn, context, e);
  }

  @Override
  public boolean selects(DockerNetwork dn, Map<String, String> nodeLabels) {
    return LabelSelectors.matches(DesiredNetwork.specOf(dn).nodeSelector, nodeLabels);
  }

  @Override
  public PassReport<NetworkReport> ensure(
      DockerNetwork dn,
      Context<DockerNetwork> context,
      NetworkReport previous,
      ReportWriter<NetworkReport> pending) {
    return sync.ensure(
        dn,
        previous,
        uid -> ownerExists(context, uid),
        this::attachedEndpoints,
        new Journal(dn, pending));
  }

  /** Whether every DockerNetwork had a pass since the agent started. */
  public boolean passedAll() {
    return pass.passedAll();
  }

  /** The agent closes it after its operator stopped. */
  @Override
  public void close() {
    sweeper.shutdownNow();
    pass.close();
  }

  @Override
  public PassReport<NetworkReport> release(
      DockerNetwork dn,
      Context<DockerNetwork> context,
      NetworkReport previous,
      ReportWriter<NetworkReport> pending,
      String why) {
    PassReport<NetworkReport> out =
        sync.release(dn, previous, this::attachedEndpoints, new Journal(dn, pending), why);
    if (out.released && dn.isMarkedForDeletion()) {
      released.released(dn);
    }
    return out;
  }

  @Override
  public boolean abandoned(NetworkReport report, String ownerUid) {
    return sync.abandoned(report, ownerUid, this::attachedEndpoints);
  }

  /**
   * A node that takes part reports even before its first report: an object created while the daemon
   * is down would otherwise show only "no report yet" from this node.
   */
  @Override
  public NetworkReport unavailable(DockerNetwork dn, NetworkReport previous, boolean selected) {
    if (previous == null && !selected) {
      return null;
    }
    NetworkReport report = new NetworkReport();
    report.dockerNetwork = dn.getMetadata().getName();
    report.networkName = dn.dockerName();
    report.deletionPolicy = DesiredNetwork.specOf(dn).deletionPolicy;
    if (previous != null) {
      // A replacement under way must not lose its journal to an outage: it resumes from it.
      report.journal = previous.journal;
      report.networkId = previous.networkId;
      report.refusedGeneration = previous.refusedGeneration;
    }
    return report;
  }

  /**
   * A network event concerns the objects naming that network. A network removed can also unblock
   * objects in error (a freed pool or bridge name), so those are woken too; other events (every
   * container start connects one) leave them to their backoff.
   */
  @Override
  public Collection<ResourceID> affected(DockerEvent event, Stream<DockerNetwork> primaries) {
    if (!"network".equals(event.type())) {
      return List.of();
    }
    String name = event.attributes() == null ? null : event.attributes().get("name");
    boolean freed = "destroy".equals(event.action());
    return primaries
        .filter(
            d -> d.dockerName().equals(name) || (freed && pass.failing(d.getMetadata().getName())))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  @Override
  public boolean stillTrue(NetworkReport report, Overview overview) {
    return NetworkReports.stillTrue(report, overview);
  }

  /** Not while a replacement left unfinished by an earlier agent waits to be resumed. */
  @Override
  public boolean shownExactly(
      DockerNetwork dn, Context<DockerNetwork> context, NetworkReport report, Overview overview) {
    return !agent.guard().busy(dn.dockerName())
        && NetworkReports.shownExactly(report, dn.dockerName(), overview);
  }

  /**
   * Saves a network replacement's journal in this node's report before anything destructive runs,
   * as a Pending report naming what is being done; a failed write stops the replacement.
   */
  private record Journal(DockerNetwork dn, ReportWriter<NetworkReport> reports)
      implements NetworkRecreator.JournalStore {

    @Override
    public void save(NetworkJournal journal) {
      NetworkReport report = NetworkReports.base(dn, null);
      if (reports.stored() != null) {
        report.networkId = reports.stored().networkId;
      }
      report.journal = journal;
      String what =
          journal.rollback == null
              ? "replacing Docker network "
                  + dn.dockerName()
                  + " ("
                  + journal.endpoints.size()
                  + " endpoint(s) recorded to put back)"
              : "Docker refused the new network ("
                  + journal.rollback
                  + "); putting the old one back as it was";
      reports.write(PassReport.of(report, NetworkReason.Replacing, what));
    }
  }

  private AttachedEndpoints attachedEndpoints() {
    return AttachedEndpoints.madeOn(agent.client(), agent.nodeName());
  }

  private static boolean ownerExists(Context<DockerNetwork> context, String uid) {
    return uid != null
        && context.getPrimaryCache().list().anyMatch(d -> uid.equals(d.getMetadata().getUid()));
  }
}
