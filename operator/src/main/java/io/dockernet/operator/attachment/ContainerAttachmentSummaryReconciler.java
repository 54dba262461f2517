package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentStatus;
import io.dockernet.operator.logging.LogContext;
import io.dockernet.operator.node.ClusterNodes;
import io.dockernet.operator.node.EveryPrimaryEventSource;
import io.dockernet.operator.node.LiveAgents;
import io.dockernet.operator.node.NodeEventSources;
import io.dockernet.operator.node.ParentReports;
import io.dockernet.operator.node.RecreatedPrimaries;
import io.dockernet.operator.node.SelectedNodes;
import io.dockernet.operator.status.NodeSummary;
import io.dockernet.operator.status.ProgressHold;
import io.dockernet.operator.status.SummaryConditions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The controller side of ContainerAttachment (leader-elected, the one writer of the parent's
 * status): sums up the per-node reports into a {@link NodeSummary}. Agents report only where the
 * container exists, so the nodes that should have the endpoint are those whose live agent reported;
 * their warnings (a static address inside the pool's ipRange, ...) surface too.
 */
@ControllerConfiguration(
    name = ContainerAttachmentSummaryReconciler.NAME,
    triggerReconcilerOnAllEvents = true)
public class ContainerAttachmentSummaryReconciler implements Reconciler<ContainerAttachment> {

  public static final String NAME = "containerattachment-summary";

  private final LiveAgents agents;
  private final ClusterNodes nodes;
  private final ProgressHold hold = new ProgressHold();
  private RecreatedPrimaries<ContainerAttachment> recreated;

  public ContainerAttachmentSummaryReconciler(LiveAgents agents, ClusterNodes nodes) {
    this.agents = agents;
    this.nodes = nodes;
  }

  @Override
  public List<EventSource<?, ContainerAttachment>> prepareEventSources(
      EventSourceContext<ContainerAttachment> context) {
    var reports = NodeEventSources.allReports(context, ContainerAttachmentNodeState.class);
    recreated = new RecreatedPrimaries<>(context.getPrimaryCache()::get);
    return List.of(
        reports,
        new EveryPrimaryEventSource<>("nodes", nodes::onSelectionChange, context),
        new EveryPrimaryEventSource<>("live-agents", agents::addListener, context),
        recreated);
  }

  @Override
  public UpdateControl<ContainerAttachment> reconcile(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    if (context.isPrimaryResourceDeleted()) {
      recreated.deletionHandled(ca);
      hold.forget(ca.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    if (ca.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    try (LogContext logged = LogContext.of(ca, null)) {
      List<Node> cluster = nodes.list();
      LiveAgents.Snapshot live = agents.snapshot();
      ContainerAttachmentStatus status =
          summarise(
              ca,
              ParentReports.of(
                  ca, context.getSecondaryResources(ContainerAttachmentNodeState.class), cluster),
              SelectedNodes.of(DesiredEndpoint.specOf(ca).nodeSelector, cluster, live),
              live.live());
      String name = ca.getMetadata().getName();
      if (!NodeSummary.changes(ca.getStatus(), status)) {
        hold.forget(name);
        return UpdateControl.noUpdate();
      }
      Optional<Duration> wait =
          hold.before(name, ca.getStatus(), status, s -> s.observedGeneration, s -> s.conditions);
      if (wait.isPresent()) {
        return UpdateControl.<ContainerAttachment>noUpdate().rescheduleAfter(wait.get());
      }
      ContainerAttachment patch = new ContainerAttachment();
      patch.setMetadata(new ObjectMetaBuilder().withName(ca.getMetadata().getName()).build());
      patch.setStatus(status);
      return UpdateControl.patchStatus(patch);
    }
  }

  /**
   * The summary of one generation.
   *
   * @param selected the nodes the selector picks; only its nodes without agent are used
   * @param liveAgents nodes whose agent is alive: only their reports count
   */
  static ContainerAttachmentStatus summarise(
      ContainerAttachment ca,
      List<AttachmentReport> reports,
      SelectedNodes selected,
      Set<String> liveAgents) {
    ContainerAttachmentStatus previous = ca.getStatus();
    NodeSummary summary =
        new NodeSummary.Builder<AttachmentReport>(
                ca.getMetadata().getGeneration(),
                previous == null ? null : previous.conditions,
                new SummaryConditions.Wording(
                    "Attached",
                    "attached as specified",
                    "NoReports",
                    "no node reports on this attachment: container "
                        + DesiredEndpoint.specOf(ca).container
                        + " exists on no node with a live agent (yet)"))
            .reports(reports, liveAgents)
            .desiredAreReporting()
            .withoutAgent(selected.withoutAgent())
            .warnings(r -> r.warnings)
            .build();
    ContainerAttachmentStatus s = new ContainerAttachmentStatus();
    s.observedGeneration = summary.observedGeneration();
    s.readyNodes = summary.readyNodes();
    s.reportingNodes = summary.desiredNodes();
    s.ready = summary.ready();
    s.conditions = summary.conditions();
    s.nodesWithoutAgent = summary.nodesWithoutAgent();
    s.nodes = summary.nodes();
    return s;
  }
}
