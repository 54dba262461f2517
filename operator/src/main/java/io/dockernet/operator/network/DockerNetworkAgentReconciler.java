package io.dockernet.operator.network;

import io.dockernet.operator.AgentContext;
import io.dockernet.operator.DaemonThreads;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.api.v1alpha1.NetworkNodeStatus;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.DockerEventSource;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.logging.LogContext;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.node.Drift;
import io.dockernet.operator.node.ErrorBackoff;
import io.dockernet.operator.node.LabelSelectors;
import io.dockernet.operator.node.NodeEventSources;
import io.dockernet.operator.node.NodeFinalizer;
import io.dockernet.operator.node.NodeOutcome;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
public class DockerNetworkAgentReconciler implements Reconciler<DockerNetwork> {

  public static final String NAME = "dockernetwork-agent";

  private final AgentContext agent;
  private final NodeNetworkSync sync;
  private final ErrorBackoff backoff = new ErrorBackoff();
  private final AgentMetrics metrics;
  private final ReleasedNetworks released;
  private InformerEventSource<DockerNetworkNodeState, DockerNetwork> reports;
  private InformerEventSource<Node, DockerNetwork> thisNode;
  private DockerEventSource<DockerNetwork> dockerEvents;

  public DockerNetworkAgentReconciler(AgentContext agent) {
    this.agent = agent;
    this.sync =
        new NodeNetworkSync(agent.docker(), agent.guard(), NodeGuard.of(agent.nodePolicy()));
    this.metrics = new AgentMetrics(agent.metrics(), "DockerNetwork", "dockernet.managed.networks");
    this.released =
        new ReleasedNetworks(
            agent.docker(), DaemonThreads.single("released-networks"), Instant::now);
    agent.dockerEvents().addListener(released);
  }

  @Override
  public List<EventSource<?, DockerNetwork>> prepareEventSources(
      EventSourceContext<DockerNetwork> context) {
    reports = NodeEventSources.ownReports(context, DockerNetworkNodeState.class, agent.nodeName());
    thisNode = NodeEventSources.thisNode(context, agent.nodeName());
    dockerEvents =
        new DockerEventSource<>(
            "docker-network-events",
            agent.dockerEvents(),
            context.getPrimaryCache()::get,
            event -> affected(event, context),
            () -> NodeEventSources.allPrimaries(context),
            overview ->
                Drift.wake(
                    reports,
                    thisNode,
                    agent.nodeName(),
                    context.getPrimaryCache().list(),
                    report -> NetworkReports.stillTrue(report, overview),
                    labels ->
                        dn ->
                            LabelSelectors.matches(DesiredNetwork.specOf(dn).nodeSelector, labels),
                    backoff::failing));
    return List.of(thisNode, reports, dockerEvents);
  }

  @Override
  public UpdateControl<DockerNetwork> reconcile(DockerNetwork dn, Context<DockerNetwork> context) {
    try (LogContext logged = LogContext.of(dn, agent.nodeName())) {
      return reconcileLogged(dn, context);
    }
  }

  private UpdateControl<DockerNetwork> reconcileLogged(
      DockerNetwork dn, Context<DockerNetwork> context) {
    String name = dn.getMetadata().getName();
    if (context.isPrimaryResourceDeleted()) {
      backoff.succeeded(name);
      metrics.forget(name);
      dockerEvents.wakeIfRecreated(dn);
      return UpdateControl.noUpdate();
    }
    long started = System.nanoTime();
    String outcome = "error";
    metrics.seen(name, dn.getMetadata().getGeneration());
    try {
      NodeOutcome<NetworkNodeStatus> result = reconcileOnNode(dn, context);
      outcome = result == null ? "skipped" : result.report.phase.name();
      metrics.outcome(name, dn.getMetadata().getGeneration(), result, "network_removed");
      return next(dn, result);
    } catch (DockerUnavailableException e) {
      metrics.nodeError(e.reason()); // DockerUnavailable, EngineTooOld, EngineTooNew
      metrics.phase(name, Phase.Error);
      reportUnavailable(dn, context, e);
      throw e;
    } finally {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started), outcome);
    }
  }

  private NodeOutcome<NetworkNodeStatus> reconcileOnNode(
      DockerNetwork dn, Context<DockerNetwork> context) {
    Node node = context.getSecondaryResource(Node.class).orElse(null);
    if (node == null) {
      // This node is not (or no longer) registered: the controller cleans up after it.
      return null;
    }
    DockerNetworkNodeState previousState =
        context.getSecondaryResource(DockerNetworkNodeState.class).orElse(null);
    NetworkNodeStatus previous = previousState == null ? null : previousState.getStatus();
    String finalizer = NodeFinalizer.of(agent.nodeName());
    boolean selected =
        !dn.isMarkedForDeletion()
            && LabelSelectors.matches(
                DesiredNetwork.specOf(dn).nodeSelector, node.getMetadata().getLabels());
    if (!selected) {
      if (previousState == null && !dn.getMetadata().getFinalizers().contains(finalizer)) {
        return null;
      }
      Journal journal = new Journal(dn, previousState);
      NodeOutcome<NetworkNodeStatus> out =
          sync.release(
              dn,
              previous,
              this::attachedEndpoints,
              journal,
              dn.isMarkedForDeletion() ? "Deleted" : "NodeNotSelected");
      previousState = journal.latest;
      agent.events().record(dn, out.notes);
      if (out.released) {
        if (dn.isMarkedForDeletion()) {
          released.released(dn);
        }
        agent.nodeStates().delete(DockerNetworkNodeState.class, dn.getMetadata().getName());
        NodeFinalizer.remove(agent.client(), DockerNetwork.class, dn, finalizer);
      } else {
        write(dn, out, previousState);
      }
      return out;
    }
    if (!dn.getMetadata().getFinalizers().contains(finalizer)
        && !NodeFinalizer.add(agent.client(), DockerNetwork.class, dn, agent.nodeName())) {
      return null; // deleted meanwhile: create nothing on its behalf
    }
    Journal journal = new Journal(dn, previousState);
    NodeOutcome<NetworkNodeStatus> out =
        sync.ensure(
            dn, previous, uid -> ownerExists(context, uid), this::attachedEndpoints, journal);
    write(dn, out, journal.latest);
    agent.events().record(dn, out.notes);
    return out;
  }

  private UpdateControl<DockerNetwork> next(
      DockerNetwork dn, NodeOutcome<NetworkNodeStatus> result) {
    String key = dn.getMetadata().getName();
    if (result == null || result.released || result.report.phase == Phase.Ready) {
      backoff.succeeded(key);
      return UpdateControl.noUpdate();
    }
    return UpdateControl.<DockerNetwork>noUpdate().rescheduleAfter(backoff.failed(key));
  }

  private DockerNetworkNodeState write(
      DockerNetwork dn, NodeOutcome<NetworkNodeStatus> out, DockerNetworkNodeState previous) {
    return agent
        .nodeStates()
        .write(
            DockerNetworkNodeState::new,
            dn,
            Keys.DOCKER_NETWORK_LABEL,
            out.report,
            previous,
            reports);
  }

  private void reportUnavailable(
      DockerNetwork dn, Context<DockerNetwork> context, DockerUnavailableException e) {
    DockerNetworkNodeState previous =
        context.getSecondaryResource(DockerNetworkNodeState.class).orElse(null);
    // A node that takes part reports even before its first report: an object created while the
    // daemon is down would otherwise show only "no report yet" from this node.
    if (previous == null && !selectedHere(dn, context)) {
      return;
    }
    NetworkNodeStatus report = new NetworkNodeStatus();
    report.dockerNetwork = dn.getMetadata().getName();
    report.networkName = dn.dockerName();
    report.observedGeneration = dn.getMetadata().getGeneration();
    if (previous != null && previous.getStatus() != null) {
      // A replacement under way must not lose its journal to an outage: it resumes from it.
      report.journal = previous.getStatus().journal;
      report.networkId = previous.getStatus().networkId;
      report.refusedGeneration = previous.getStatus().refusedGeneration;
    }
    report.phase = Phase.Error;
    report.reason = e.reason();
    report.message = e.reportMessage();
    try {
      write(dn, new NodeOutcome<>(report), previous);
    } catch (RuntimeException ignored) {
      // The report is best effort; the retry matters.
    }
  }

  private boolean selectedHere(DockerNetwork dn, Context<DockerNetwork> context) {
    return !dn.isMarkedForDeletion()
        && context
            .getSecondaryResource(Node.class)
            .map(
                n ->
                    LabelSelectors.matches(
                        DesiredNetwork.specOf(dn).nodeSelector, n.getMetadata().getLabels()))
            .orElse(false);
  }

  /**
   * Saves a network replacement's journal in this node's report before anything destructive runs,
   * as a Pending report naming what is being done; a failed write stops the replacement.
   */
  private final class Journal implements NetworkRecreator.JournalStore {
    private final DockerNetwork dn;
    private DockerNetworkNodeState latest;

    Journal(DockerNetwork dn, DockerNetworkNodeState latest) {
      this.dn = dn;
      this.latest = latest;
    }

    @Override
    public void save(NetworkJournal journal) {
      NetworkNodeStatus report = NetworkReports.base(dn, null);
      if (latest != null && latest.getStatus() != null) {
        report.networkId = latest.getStatus().networkId;
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
      latest = write(dn, NodeOutcome.of(report, Phase.Pending, "Replacing", what), latest);
    }
  }

  /** The endpoints this node's ContainerAttachments made, from their reports. */
  private AttachedEndpoints attachedEndpoints() {
    Map<String, String> made = new HashMap<>();
    agent
        .client()
        .resources(ContainerAttachmentNodeState.class)
        .withLabel(Keys.NODE_LABEL, agent.nodeName())
        .list()
        .getItems()
        .forEach(
            s -> {
              AttachmentNodeStatus st = s.getStatus();
              if (st != null
                  && st.networkId != null
                  && st.containerId != null
                  && !Boolean.TRUE.equals(st.adopted)) {
                made.put(st.networkId + "/" + st.containerId, st.containerAttachment);
              }
            });
    Set<String> live = new HashSet<>();
    agent
        .client()
        .resources(ContainerAttachment.class)
        .list()
        .getItems()
        .forEach(
            a -> {
              if (!a.isMarkedForDeletion()) {
                live.add(a.getMetadata().getName());
              }
            });
    return new AttachedEndpoints() {
      @Override
      public String attachmentOf(String networkId, String containerId) {
        return made.get(networkId + "/" + containerId);
      }

      @Override
      public boolean live(String attachment) {
        return live.contains(attachment);
      }
    };
  }

  private static boolean ownerExists(Context<DockerNetwork> context, String uid) {
    return uid != null
        && context.getPrimaryCache().list().anyMatch(d -> uid.equals(d.getMetadata().getUid()));
  }

  /**
   * A network event concerns the objects naming that network. A network removed can also unblock
   * objects in error (a freed pool or bridge name), so those are woken too; other events (every
   * container start connects one) leave them to their backoff.
   */
  private Collection<ResourceID> affected(
      DockerEvent event, EventSourceContext<DockerNetwork> context) {
    if (!"network".equals(event.type())) {
      return List.of();
    }
    String name = event.attributes() == null ? null : event.attributes().get("name");
    boolean freed = "destroy".equals(event.action());
    Set<ResourceID> ids = new HashSet<>();
    context
        .getPrimaryCache()
        .list()
        .forEach(
            d -> {
              if (d.dockerName().equals(name)
                  || (freed && backoff.failing(d.getMetadata().getName()))) {
                ids.add(ResourceID.fromResource(d));
              }
            });
    return ids;
  }
}
