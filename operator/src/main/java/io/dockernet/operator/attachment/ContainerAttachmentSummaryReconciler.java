package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentStatus;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.DepartedNodes;
import io.dockernet.operator.node.NodeEventSources;
import io.dockernet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The controller side of ContainerAttachment (leader-elected, the one writer of the parent's
 * status): sums up the per-node reports into ready/reporting counts and Ready, Degraded and Warning
 * conditions, and cleans up after nodes that left the cluster so that deletion never hangs on them.
 */
@ControllerConfiguration(
    name = ContainerAttachmentSummaryReconciler.NAME,
    triggerReconcilerOnAllEvents = true)
public class ContainerAttachmentSummaryReconciler implements Reconciler<ContainerAttachment> {

  public static final String NAME = "containerattachment-summary";

  /** Condition type: some node attached the container but reports a warning. */
  public static final String WARNING = "Warning";

  private static final Set<Phase> DEGRADED =
      Set.of(Phase.Error, Phase.Conflict, Phase.OutOfSync, Phase.Blocked);

  private InformerEventSource<Node, ContainerAttachment> nodes;

  @Override
  public List<EventSource<?, ContainerAttachment>> prepareEventSources(
      EventSourceContext<ContainerAttachment> context) {
    nodes = NodeEventSources.allNodes(context);
    var reports = NodeEventSources.allReports(context, ContainerAttachmentNodeState.class);
    return List.of(nodes, reports);
  }

  @Override
  public UpdateControl<ContainerAttachment> reconcile(
      ContainerAttachment ca, Context<ContainerAttachment> context) {
    if (context.isPrimaryResourceDeleted()) {
      return UpdateControl.noUpdate();
    }
    Set<String> nodeNames =
        nodes.list().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
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
    ContainerAttachmentStatus status =
        summarise(
            ca,
            reports.stream()
                .map(ContainerAttachmentNodeState::getStatus)
                .filter(Objects::nonNull)
                .toList());
    if (sameSummary(ca.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    ContainerAttachment patch = new ContainerAttachment();
    patch.setMetadata(new ObjectMetaBuilder().withName(ca.getMetadata().getName()).build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }

  static ContainerAttachmentStatus summarise(
      ContainerAttachment ca, List<AttachmentNodeStatus> reports) {
    long generation = ca.getMetadata().getGeneration();
    ContainerAttachmentStatus previous = ca.getStatus();
    ContainerAttachmentStatus s = new ContainerAttachmentStatus();
    s.observedGeneration = generation;
    List<AttachmentNodeStatus> sorted =
        reports.stream().sorted(Comparator.comparing(r -> r.nodeName)).toList();
    s.nodes = sorted.stream().map(ContainerAttachmentSummaryReconciler::line).toList();
    List<AttachmentNodeStatus> current =
        sorted.stream()
            .filter(r -> r.observedGeneration != null && r.observedGeneration == generation)
            .toList();
    long ready = current.stream().filter(r -> r.phase == Phase.Ready).count();
    int reporting = sorted.size();
    s.readyNodes = (int) ready;
    s.reportingNodes = reporting;
    s.ready = ready + "/" + reporting;
    boolean allReady = reporting > 0 && ready == reporting;
    List<AttachmentNodeStatus> troubled =
        current.stream().filter(r -> DEGRADED.contains(r.phase)).toList();
    List<String> warnings = new ArrayList<>();
    current.forEach(
        r -> {
          if (r.warnings != null) {
            r.warnings.forEach(w -> warnings.add(r.nodeName + ": " + w));
          }
        });
    List<Condition> before = previous == null ? null : previous.conditions;
    String readyMessage;
    if (reporting == 0) {
      readyMessage =
          "no node reports on this attachment: container "
              + DesiredEndpoint.specOf(ca).container
              + " exists on no node with an agent (yet)";
    } else if (allReady) {
      readyMessage = "attached as specified on " + ready + " of " + reporting + " node(s)";
    } else {
      readyMessage =
          "attached on "
              + ready
              + " of "
              + reporting
              + " node(s); "
              + sorted.stream()
                  .filter(r -> r.phase != Phase.Ready)
                  .map(r -> r.nodeName + ": " + r.reason)
                  .collect(Collectors.joining(", "));
    }
    s.conditions =
        List.of(
            Conditions.of(
                before,
                Conditions.READY,
                allReady,
                allReady ? "Attached" : (reporting == 0 ? "NoReports" : "NodesNotReady"),
                readyMessage,
                generation),
            Conditions.of(
                before,
                Conditions.DEGRADED,
                !troubled.isEmpty(),
                troubled.isEmpty() ? "NoErrors" : troubled.get(0).reason,
                troubled.isEmpty()
                    ? "no node reports a problem"
                    : troubled.stream()
                        .map(r -> r.nodeName + ": " + r.reason + " - " + r.message)
                        .collect(Collectors.joining("; ")),
                generation),
            Conditions.of(
                before,
                WARNING,
                !warnings.isEmpty(),
                warnings.isEmpty() ? "NoWarnings" : reasonOf(warnings.get(0)),
                warnings.isEmpty() ? "no node reports a warning" : String.join("; ", warnings),
                generation));
    return s;
  }

  /** "node-a: StaticAddressInIpRange: ..." → StaticAddressInIpRange. */
  private static String reasonOf(String warning) {
    String[] parts = warning.split(": ", 3);
    return parts.length >= 2 ? parts[1] : "Warning";
  }

  /** The short per-node line kept in the parent's status. */
  private static NodeReport line(NodeReport full) {
    NodeReport r = new NodeReport();
    r.nodeName = full.nodeName;
    r.phase = full.phase;
    r.reason = full.reason;
    r.message = full.message;
    r.observedGeneration = full.observedGeneration;
    r.lastTransitionTime = full.lastTransitionTime;
    return r;
  }

  private static boolean sameSummary(ContainerAttachmentStatus a, ContainerAttachmentStatus b) {
    var mapper = Serialization.jsonMapper();
    return a != null && mapper.valueToTree(a).equals(mapper.valueToTree(b));
  }

  private static String ownerUid(ContainerAttachmentNodeState report) {
    return report.getMetadata().getOwnerReferences().stream()
        .findFirst()
        .map(o -> o.getUid())
        .orElse(null);
  }
}
