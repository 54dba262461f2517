package io.dockernet.operator.attachment;

import io.dockernet.operator.AgentContext;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.Overview;
import io.dockernet.operator.docker.OwnWrites;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.network.DesiredNetwork;
import io.dockernet.operator.node.AgentKind;
import io.dockernet.operator.node.AgentPass;
import io.dockernet.operator.node.LabelSelectors;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.node.ReportWriter;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

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
public class ContainerAttachmentAgentReconciler
    implements Reconciler<ContainerAttachment>,
        AgentKind<ContainerAttachment, AttachmentReport, ContainerAttachmentNodeState>,
        AutoCloseable {

  public static final String NAME = "containerattachment-agent";

  /** Errors that only a change of the container or the object ends: no retry by time. */
  private static final Set<String> SETTLED_ERRORS =
      Set.of(
          AttachmentReason.NotAttachable.name(), AttachmentReason.IncompatibleNetworkMode.name());

  /** How soon a Pending attachment (a plan under way, a container starting) is looked at again. */
  private static final Duration PENDING_RECHECK = Duration.ofSeconds(2);

  private final AgentContext agent;
  private final NodeAttachmentSync sync;
  private final AgentPass<ContainerAttachment, AttachmentReport, ContainerAttachmentNodeState> pass;
  private final AttachmentEvents dockerEvents;
  private InformerEventSource<DockerNetwork, ContainerAttachment> networks;

  public ContainerAttachmentAgentReconciler(AgentContext agent) {
    this(agent, ProcHostInterfaces.system());
  }

  public ContainerAttachmentAgentReconciler(AgentContext agent, HostInterfaces hosts) {
    this.agent = agent;
    OwnWrites own = new OwnWrites();
    this.sync =
        new NodeAttachmentSync(
            own.recording(agent.docker()), hosts, agent.guard(), agent.nodePolicy());
    this.pass =
        new AgentPass<>(
            agent,
            this,
            new AgentPass.Reports<>(
                ContainerAttachmentNodeState.class,
                ContainerAttachmentNodeState::new,
                Keys.ATTACHMENT_LABEL,
                "endpoint_disconnected"),
            new AgentMetrics(agent.metrics(), "ContainerAttachment", "dockernet.managed.endpoints"),
            own);
    this.dockerEvents = new AttachmentEvents(this::dockerNameOf, pass::failing);
  }

  @Override
  public List<EventSource<?, ContainerAttachment>> prepareEventSources(
      EventSourceContext<ContainerAttachment> context) {
    networks = NamedNetworks.eventSource(context);
    List<EventSource<?, ContainerAttachment>> sources =
        new ArrayList<>(pass.eventSources(context, "docker-attachment-events"));
    sources.add(networks);
    return sources;
  }

  /** Whether every ContainerAttachment had a pass since the agent started. */
  public boolean passedAll() {
    return pass.passedAll();
  }

  /** The agent closes it after its operator stopped. */
  @Override
  public void close() {
    pass.close();
  }

  @Override
  public UpdateControl<ContainerAttachment> reconcile(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    return pass.reconcile(ca, context);
  }

  @Override
  public ErrorStatusUpdateControl<ContainerAttachment> updateErrorStatus(
      ContainerAttachment ca, Context<ContainerAttachment> context, Exception e) {
    return pass.updateErrorStatus(ca, context, e);
  }

  @Override
  public boolean selects(ContainerAttachment ca, Map<String, String> nodeLabels) {
    LabelSelector selector = specOf(ca).nodeSelector;
    return !AttachmentEvents.selects(selector) || LabelSelectors.matches(selector, nodeLabels);
  }

  /**
   * Without a nodeSelector, only the nodes where the container exists take part; and none before
   * its network is there, when it is on its way ({@link NetworkOnItsWay}).
   */
  @Override
  public boolean joins(
      ContainerAttachment ca,
      Context<ContainerAttachment> context,
      Map<String, String> nodeLabels) {
    FirstReads reads = FirstReads.of(context, agent.docker());
    return (AttachmentEvents.selects(specOf(ca).nodeSelector)
            || reads.container(specOf(ca).container).isPresent())
        && !NetworkOnItsWay.test(
            Optional.ofNullable(specOf(ca).network)
                .flatMap(name -> networks.get(new ResourceID(name)))
                .orElse(null),
            agent.nodeName(),
            nodeLabels,
            name -> reads.network(name).isPresent());
  }

  @Override
  public PassReport<AttachmentReport> ensure(
      ContainerAttachment ca,
      Context<ContainerAttachment> context,
      AttachmentReport previous,
      ReportWriter<AttachmentReport> pending) {
    PassReport<AttachmentReport> out =
        sync.ensure(
            ca,
            target(ca, context),
            Claims.earlierThan(
                ca, NamedNetworks.attachmentsOn(context.getPrimaryCache(), specOf(ca).network)),
            previous,
            report -> pending.write(new PassReport<>(report)),
            FirstReads.of(context, agent.docker()));
    dockerEvents.saw(ca.getMetadata().getName(), out.report.containerId);
    return out;
  }

  @Override
  public boolean abandoned(AttachmentReport report, String ownerUid) {
    return sync.abandoned(report);
  }

  @Override
  public PassReport<AttachmentReport> release(
      ContainerAttachment ca,
      Context<ContainerAttachment> context,
      AttachmentReport previous,
      ReportWriter<AttachmentReport> pending,
      String why) {
    return sync.release(ca, target(ca, context), previous, why);
  }

  /** Waiting ends by an event (container, network or object), not by time. */
  @Override
  public boolean settled(AttachmentReport report) {
    return report.phase == Phase.Ready
        || report.phase == Phase.Waiting
        || (report.phase == Phase.Error && SETTLED_ERRORS.contains(report.reason));
  }

  @Override
  public Optional<Duration> recheck(AttachmentReport report) {
    return report.phase == Phase.Pending ? Optional.of(PENDING_RECHECK) : Optional.empty();
  }

  /**
   * Keeps what the attachment owns, so that a delete after the outage releases exactly that, and
   * what the DockerNetwork agent needs to recognise our endpoint. A node that never reported stays
   * silent: without Docker it cannot tell whether the container is here.
   */
  @Override
  public AttachmentReport unavailable(
      ContainerAttachment ca, AttachmentReport previous, boolean selected) {
    if (previous == null) {
      return null;
    }
    AttachmentReport report = new AttachmentReport();
    report.containerAttachment = ca.getMetadata().getName();
    return EndpointOwnership.identityOf(report, previous);
  }

  @Override
  public Collection<ResourceID> affected(DockerEvent event, Stream<ContainerAttachment> primaries) {
    return dockerEvents.affected(event, primaries);
  }

  @Override
  public boolean stillTrue(AttachmentReport report, Overview overview) {
    return AttachmentReports.stillTrue(report, overview);
  }

  /**
   * Not while the network is being deleted or a replacement of it waits to be resumed; when it is,
   * the container is remembered for Docker events as a pass would.
   */
  @Override
  public boolean shownExactly(
      ContainerAttachment ca,
      Context<ContainerAttachment> context,
      AttachmentReport report,
      Overview overview) {
    String network = dockerNameOf(ca);
    boolean exact =
        network != null
            && context.getSecondaryResource(DockerNetwork.class).stream()
                .noneMatch(DockerNetwork::isMarkedForDeletion)
            && !agent.guard().busy(network)
            && AttachmentReports.shownExactly(report, specOf(ca).container, network, overview);
    if (exact) {
      dockerEvents.saw(ca.getMetadata().getName(), report.containerId);
    }
    return exact;
  }

  @Override
  public Predicate<ContainerAttachment> takesPart(
      Overview overview, Map<String, String> nodeLabels) {
    return AttachmentEvents.takesPart(overview, nodeLabels);
  }

  @Override
  public void forget(String name) {
    dockerEvents.forget(name);
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
