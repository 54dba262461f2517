package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentStatus;
import io.dockernet.operator.logging.LogContext;
import io.dockernet.operator.node.DepartedNodes;
import io.dockernet.operator.node.LiveAgents;
import io.dockernet.operator.node.LiveAgentsEventSource;
import io.dockernet.operator.node.NodeEventSources;
import io.dockernet.operator.node.SelectedNodes;
import io.dockernet.operator.status.NodeSummary;
import io.dockernet.operator.status.SummaryConditions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The controller side of ContainerAttachment (leader-elected, the one writer of the parent's
 * status): sums up the reports of the nodes with a live agent (the nodes where the container
 * exists) into ready/reporting counts and the conditions GitOps tools read ({@link
 * SummaryConditions}), and cleans up after nodes that left the cluster so that deletion never hangs
 * on them.
 */
@ControllerConfiguration(
    name = ContainerAttachmentSummaryReconciler.NAME,
    triggerReconcilerOnAllEvents = true)
public class ContainerAttachmentSummaryReconciler implements Reconciler<ContainerAttachment> {

  public static final String NAME = "containerattachment-summary";

  private final LiveAgents agents;
  private InformerEventSource<Node, ContainerAttachment> nodes;

  public ContainerAttachmentSummaryReconciler(LiveAgents agents) {
    this.agents = agents;
  }

  @Override
  public List<EventSource<?, ContainerAttachment>> prepareEventSources(
      EventSourceContext<ContainerAttachment> context) {
    nodes = NodeEventSources.allNodes(context);
    var reports = NodeEventSources.allReports(context, ContainerAttachmentNodeState.class);
    return List.of(nodes, reports, new LiveAgentsEventSource<>(agents, context));
  }

  @Override
  public UpdateControl<ContainerAttachment> reconcile(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    try (LogContext logged = LogContext.of(ca, null)) {
      return reconcileLogged(ca, context);
    }
  }

  private UpdateControl<ContainerAttachment> reconcileLogged(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    if (context.isPrimaryResourceDeleted()) {
      return UpdateControl.noUpdate();
    }
    List<Node> allNodes = nodes.list().toList();
    Set<String> nodeNames =
        allNodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    List<ContainerAttachmentNodeState> reports =
        DepartedNodes.forget(
            context.getClient(),
            ContainerAttachment.class,
            ca,
            context.getSecondaryResources(ContainerAttachmentNodeState.class).stream()
                .filter(r -> ca.getMetadata().getUid().equals(ownerUid(r)))
                .toList(),
            nodeNames);
    if (ca.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    LiveAgents.Snapshot live = agents.snapshot();
    ContainerAttachmentStatus status =
        summarise(
            ca,
            reports.stream()
                .map(ContainerAttachmentNodeState::getStatus)
                .filter(Objects::nonNull)
                .toList(),
            SelectedNodes.of(DesiredEndpoint.specOf(ca).nodeSelector, allNodes, live),
            live.live());
    if (!NodeSummary.changes(ca.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    ContainerAttachment patch = new ContainerAttachment();
    patch.setMetadata(new ObjectMetaBuilder().withName(ca.getMetadata().getName()).build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }

  /**
   * The summary of one generation.
   *
   * @param selected the nodes the selector picks; only its nodes without agent are used
   * @param liveAgents nodes whose agent is alive: only their reports count
   */
  static ContainerAttachmentStatus summarise(
      ContainerAttachment ca,
      List<AttachmentNodeStatus> reports,
      SelectedNodes selected,
      Set<String> liveAgents) {
    ContainerAttachmentStatus previous = ca.getStatus();
    NodeSummary summary =
        new NodeSummary.Builder<AttachmentNodeStatus>(
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

  private static String ownerUid(ContainerAttachmentNodeState report) {
    return report.getMetadata().getOwnerReferences().stream()
        .findFirst()
        .map(o -> o.getUid())
        .orElse(null);
  }
}
