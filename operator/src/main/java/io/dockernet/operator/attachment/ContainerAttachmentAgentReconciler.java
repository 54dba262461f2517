package io.dockernet.operator.attachment;

import io.dockernet.operator.AgentContext;
import io.dockernet.operator.CacheWithoutManagedFields;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerEventSource;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.logging.LogContext;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.network.DesiredNetwork;
import io.dockernet.operator.node.Drift;
import io.dockernet.operator.node.ErrorBackoff;
import io.dockernet.operator.node.LabelSelectors;
import io.dockernet.operator.node.NodeEventSources;
import io.dockernet.operator.node.NodeFinalizer;
import io.dockernet.operator.node.NodeOutcome;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
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
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The agent side of ContainerAttachment: connects this node's containers to their networks exactly
 * as declared, keeps them connected, and reports per node. Triggered by the object, this node's
 * Node labels, changes to this node's own reports (other than its own writes), the DockerNetworks
 * named, and Docker's event stream (container create/start/die/destroy/rename, network
 * connect/disconnect/create/destroy); a periodic overview of the daemon is the backstop for lost
 * events.
 *
 * <p>Without a nodeSelector an attachment concerns only the nodes where its container exists; other
 * nodes stay silent. With one, every selected node reports, ContainerNotFound included.
 */
@ControllerConfiguration(
    name = ContainerAttachmentAgentReconciler.NAME,
    triggerReconcilerOnAllEvents = true,
    // No per-object periodic pass: the agent's periodic overview of the daemon (two list calls,
    // whatever the number of objects) wakes the objects that drifted; see DockerEventHub.
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
@GradualRetry(
    maxAttempts = 1_000_000,
    initialInterval = 500,
    intervalMultiplier = 2,
    maxInterval = 30_000)
public class ContainerAttachmentAgentReconciler implements Reconciler<ContainerAttachment> {

  public static final String NAME = "containerattachment-agent";

  private final AgentContext agent;
  private final NodeAttachmentSync sync;
  private final ErrorBackoff backoff = new ErrorBackoff();
  private final AgentMetrics metrics;

  private final AttachmentEvents dockerEvents =
      new AttachmentEvents(this::dockerNameOf, backoff::failing);

  private InformerEventSource<DockerNetwork, ContainerAttachment> networks;
  private InformerEventSource<ContainerAttachmentNodeState, ContainerAttachment> reports;
  private InformerEventSource<Node, ContainerAttachment> thisNode;
  private DockerEventSource<ContainerAttachment> docker;

  public ContainerAttachmentAgentReconciler(AgentContext agent) {
    this(agent, ProcHostInterfaces.system());
  }

  public ContainerAttachmentAgentReconciler(AgentContext agent, HostInterfaces hosts) {
    this.agent = agent;
    this.sync = new NodeAttachmentSync(agent.docker(), hosts, agent.guard(), agent.nodePolicy());
    this.metrics =
        new AgentMetrics(agent.metrics(), "ContainerAttachment", "dockernet.managed.endpoints");
  }

  @Override
  public List<EventSource<?, ContainerAttachment>> prepareEventSources(
      EventSourceContext<ContainerAttachment> context) {
    thisNode = NodeEventSources.thisNode(context, agent.nodeName());
    reports =
        NodeEventSources.ownReports(context, ContainerAttachmentNodeState.class, agent.nodeName());
    networks =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(DockerNetwork.class, ContainerAttachment.class)
                .withName("named-networks")
                .withSecondaryToPrimaryMapper(
                    dn ->
                        context
                            .getPrimaryCache()
                            .list(a -> dn.getMetadata().getName().equals(specOf(a).network))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper(
                    (ContainerAttachment a) ->
                        specOf(a).network == null
                            ? Set.of()
                            : Set.of(new ResourceID(specOf(a).network)))
                .withItemStore(new CacheWithoutManagedFields<>())
                .build(),
            context);
    docker =
        new DockerEventSource<>(
            "docker-attachment-events",
            agent.dockerEvents(),
            context.getPrimaryCache()::get,
            event -> dockerEvents.affected(event, context.getPrimaryCache().list()),
            () -> NodeEventSources.allPrimaries(context),
            overview ->
                Drift.wake(
                    reports,
                    thisNode,
                    agent.nodeName(),
                    context.getPrimaryCache().list(),
                    report -> AttachmentReports.stillTrue(report, overview),
                    labels -> AttachmentEvents.takesPart(overview, labels),
                    backoff::failing));
    return List.of(thisNode, reports, networks, docker);
  }

  @Override
  public UpdateControl<ContainerAttachment> reconcile(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    try (LogContext logged = LogContext.of(ca, agent.nodeName())) {
      return reconcileLogged(ca, context);
    }
  }

  private UpdateControl<ContainerAttachment> reconcileLogged(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    String name = ca.getMetadata().getName();
    if (context.isPrimaryResourceDeleted()) {
      backoff.succeeded(name);
      dockerEvents.forget(name);
      docker.wakeIfRecreated(ca);
      metrics.forget(name);
      return UpdateControl.noUpdate();
    }
    long started = System.nanoTime();
    String outcome = "error";
    metrics.seen(name, ca.getMetadata().getGeneration());
    try {
      NodeOutcome<AttachmentNodeStatus> result = reconcileOnNode(ca, context);
      outcome = result == null ? "skipped" : result.report.phase.name();
      metrics.outcome(name, ca.getMetadata().getGeneration(), result, "endpoint_disconnected");
      return next(ca, result);
    } catch (DockerUnavailableException e) {
      metrics.nodeError(e.reason()); // DockerUnavailable, EngineTooOld, EngineTooNew
      metrics.phase(name, Phase.Error);
      reportUnavailable(ca, context, e);
      throw e;
    } finally {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started), outcome);
    }
  }

  private NodeOutcome<AttachmentNodeStatus> reconcileOnNode(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    Node node = context.getSecondaryResource(Node.class).orElse(null);
    if (node == null) {
      return null; // not (or no longer) registered: the controller cleans up after this node
    }
    ContainerAttachmentNodeState previousState =
        context.getSecondaryResource(ContainerAttachmentNodeState.class).orElse(null);
    AttachmentNodeStatus previous = previousState == null ? null : previousState.getStatus();
    String finalizer = NodeFinalizer.of(agent.nodeName());
    boolean held = ca.getMetadata().getFinalizers().contains(finalizer);
    LabelSelector selector = specOf(ca).nodeSelector;
    boolean selects = AttachmentEvents.selects(selector);
    boolean selected =
        !ca.isMarkedForDeletion()
            && (!selects || LabelSelectors.matches(selector, node.getMetadata().getLabels()));
    if (!selected) {
      if (previousState == null && !held) {
        return null;
      }
      NodeOutcome<AttachmentNodeStatus> out =
          sync.release(
              ca,
              target(ca, context),
              previous,
              ca.isMarkedForDeletion() ? "Deleted" : "NodeNotSelected");
      agent.events().record(ca, out.notes);
      if (out.released) {
        agent.nodeStates().delete(ContainerAttachmentNodeState.class, ca.getMetadata().getName());
        NodeFinalizer.remove(agent.client(), ContainerAttachment.class, ca, finalizer);
      } else {
        write(ca, out, previousState);
      }
      return out;
    }
    if (!selects
        && previousState == null
        && !held
        && agent.docker().findContainer(specOf(ca).container).isEmpty()) {
      return null; // no selector: only nodes where the container exists take part
    }
    if (!held
        && !NodeFinalizer.add(agent.client(), ContainerAttachment.class, ca, agent.nodeName())) {
      return null; // deleted meanwhile: connect nothing on its behalf
    }
    ContainerAttachmentNodeState[] latest = {previousState};
    NodeOutcome<AttachmentNodeStatus> out =
        sync.ensure(
            ca,
            target(ca, context),
            Claims.earlierThan(ca, context.getPrimaryCache().list()),
            previous,
            pending -> latest[0] = write(ca, new NodeOutcome<>(pending), latest[0]));
    dockerEvents.saw(ca.getMetadata().getName(), out.report.containerId);
    write(ca, out, latest[0]);
    agent.events().record(ca, out.notes);
    return out;
  }

  private NodeAttachmentSync.Target target(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    String name = specOf(ca).network;
    DockerNetwork dn = context.getSecondaryResource(DockerNetwork.class).orElse(null);
    if (dn == null) {
      // Docker's default bridge is nobody's DockerNetwork: it may be named directly.
      boolean defaultBridge = DesiredEndpoint.DEFAULT_BRIDGE.equals(name);
      return new NodeAttachmentSync.Target(name, defaultBridge, false, false);
    }
    var ipam = DesiredNetwork.specOf(dn).ipam;
    boolean configured = ipam != null && ipam.config != null && !ipam.config.isEmpty();
    return new NodeAttachmentSync.Target(
        dn.dockerName(), true, dn.isMarkedForDeletion(), configured);
  }

  private UpdateControl<ContainerAttachment> next(
      ContainerAttachment ca, NodeOutcome<AttachmentNodeStatus> result) {
    String key = ca.getMetadata().getName();
    if (result == null
        || result.released
        || result.report.phase == Phase.Ready
        || result.report.phase == Phase.Waiting
        || (result.report.phase == Phase.Error
            && ("NotAttachable".equals(result.report.reason)
                || "IncompatibleNetworkMode".equals(result.report.reason)))) {
      // Waiting ends by an event (container, network or object), not by time.
      backoff.succeeded(key);
      return UpdateControl.noUpdate();
    }
    if (result.report.phase == Phase.Pending) {
      return UpdateControl.<ContainerAttachment>noUpdate().rescheduleAfter(Duration.ofSeconds(2));
    }
    return UpdateControl.<ContainerAttachment>noUpdate().rescheduleAfter(backoff.failed(key));
  }

  private ContainerAttachmentNodeState write(
      ContainerAttachment ca,
      NodeOutcome<AttachmentNodeStatus> out,
      ContainerAttachmentNodeState previous) {
    return agent
        .nodeStates()
        .write(
            ContainerAttachmentNodeState::new,
            ca,
            Keys.ATTACHMENT_LABEL,
            out.report,
            previous,
            reports);
  }

  private void reportUnavailable(
      ContainerAttachment ca, Context<ContainerAttachment> context, DockerUnavailableException e) {
    ContainerAttachmentNodeState previous =
        context.getSecondaryResource(ContainerAttachmentNodeState.class).orElse(null);
    if (previous == null) {
      return;
    }
    AttachmentNodeStatus report = new AttachmentNodeStatus();
    report.containerAttachment = ca.getMetadata().getName();
    report.observedGeneration = ca.getMetadata().getGeneration();
    if (previous.getStatus() != null) {
      // Keep what the attachment owns, so that a delete after the outage releases exactly that,
      // and what the DockerNetwork agent needs to recognise our endpoint.
      AttachmentNodeStatus was = previous.getStatus();
      report.containerId = was.containerId;
      report.containerName = was.containerName;
      report.networkId = was.networkId;
      report.endpointId = was.endpointId;
      report.adopted = was.adopted;
      report.adoptedEndpoint = was.adoptedEndpoint;
      report.journal = was.journal;
    }
    report.phase = Phase.Error;
    report.reason = e.reason();
    report.message = e.reportMessage();
    try {
      write(ca, new NodeOutcome<>(report), previous);
    } catch (RuntimeException ignored) {
      // The report is best effort; the retry matters.
    }
  }

  private String dockerNameOf(ContainerAttachment a) {
    String name = specOf(a).network;
    if (name == null || networks == null) {
      return name;
    }
    return networks.get(new ResourceID(name)).map(DockerNetwork::dockerName).orElse(name);
  }

  private static ContainerAttachmentSpec specOf(ContainerAttachment a) {
    return DesiredEndpoint.specOf(a);
  }
}
