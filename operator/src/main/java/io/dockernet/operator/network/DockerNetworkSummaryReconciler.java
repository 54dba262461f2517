package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetworkStatus;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.DepartedNodes;
import io.dockernet.operator.node.LabelSelectors;
import io.dockernet.operator.node.NodeEventSources;
import io.dockernet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The controller side of DockerNetwork (leader-elected, one writer of the parent's status): sums up
 * the per-node reports into ready/desired counts and Ready/Degraded conditions, and cleans up after
 * nodes that left the cluster so that deletion never hangs on them.
 */
@ControllerConfiguration(
    name = DockerNetworkSummaryReconciler.NAME,
    triggerReconcilerOnAllEvents = true)
public class DockerNetworkSummaryReconciler implements Reconciler<DockerNetwork> {

  public static final String NAME = "dockernetwork-summary";
  private static final Set<Phase> DEGRADED =
      Set.of(Phase.Error, Phase.Conflict, Phase.OutOfSync, Phase.Blocked);

  private InformerEventSource<Node, DockerNetwork> nodes;

  @Override
  public List<EventSource<?, DockerNetwork>> prepareEventSources(
      EventSourceContext<DockerNetwork> context) {
    nodes = NodeEventSources.allNodes(context);
    var reports = NodeEventSources.allReports(context, DockerNetworkNodeState.class);
    return List.of(nodes, reports);
  }

  @Override
  public UpdateControl<DockerNetwork> reconcile(DockerNetwork dn, Context<DockerNetwork> context) {
    if (context.isPrimaryResourceDeleted()) {
      return UpdateControl.noUpdate();
    }
    List<Node> allNodes = nodes.list().toList();
    Set<String> nodeNames =
        allNodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    List<DockerNetworkNodeState> reports =
        DepartedNodes.forget(
            context.getClient(),
            DockerNetwork.class,
            dn,
            context.getSecondaryResources(DockerNetworkNodeState.class).stream()
                .filter(r -> dn.getMetadata().getUid().equals(ownerUid(r)))
                .toList(),
            nodeNames);
    if (dn.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    var selector = DesiredNetwork.specOf(dn).nodeSelector;
    Set<String> desired = new HashSet<>();
    allNodes.stream()
        .filter(n -> LabelSelectors.matches(selector, n.getMetadata().getLabels()))
        .forEach(n -> desired.add(n.getMetadata().getName()));
    DockerNetworkStatus status = summarise(dn, reports, desired);
    if (sameSummary(dn.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    DockerNetwork patch = new DockerNetwork();
    patch.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(dn.getMetadata().getName())
            .build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }

  static DockerNetworkStatus summarise(
      DockerNetwork dn, List<DockerNetworkNodeState> reports, Set<String> desired) {
    long generation = dn.getMetadata().getGeneration();
    DockerNetworkStatus previous = dn.getStatus();
    DockerNetworkStatus s = new DockerNetworkStatus();
    s.observedGeneration = generation;
    s.networkName = dn.dockerName();
    s.nodes =
        reports.stream()
            .map(DockerNetworkNodeState::getStatus)
            .filter(Objects::nonNull)
            .map(DockerNetworkSummaryReconciler::line)
            .sorted(Comparator.comparing(r -> r.nodeName))
            .toList();
    List<NodeReport> current =
        s.nodes.stream()
            .filter(r -> r.observedGeneration != null && r.observedGeneration == generation)
            .toList();
    long ready =
        current.stream()
            .filter(r -> r.phase == Phase.Ready && desired.contains(r.nodeName))
            .count();
    s.readyNodes = (int) ready;
    s.desiredNodes = desired.size();
    s.ready = ready + "/" + desired.size();
    List<NodeReport> troubled = current.stream().filter(r -> DEGRADED.contains(r.phase)).toList();
    boolean allReady = ready == desired.size();
    List<io.fabric8.kubernetes.api.model.Condition> before =
        previous == null ? null : previous.conditions;
    s.conditions =
        List.of(
            Conditions.of(
                before,
                Conditions.READY,
                allReady,
                allReady
                    ? (desired.isEmpty() ? "NoNodesSelected" : "AllNodesReady")
                    : "NodesNotReady",
                allReady
                    ? "the network matches the spec on "
                        + ready
                        + " of "
                        + desired.size()
                        + " node(s)"
                    : "ready on "
                        + ready
                        + " of "
                        + desired.size()
                        + " node(s)"
                        + waiting(s.nodes, desired, generation),
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
                generation));
    return s;
  }

  private static String waiting(List<NodeReport> nodes, Set<String> desired, long generation) {
    Set<String> reported =
        nodes.stream()
            .filter(r -> r.observedGeneration != null && r.observedGeneration == generation)
            .map(r -> r.nodeName)
            .collect(Collectors.toSet());
    List<String> silent = desired.stream().filter(n -> !reported.contains(n)).sorted().toList();
    return silent.isEmpty() ? "" : "; no report yet from " + String.join(", ", silent);
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

  private static boolean sameSummary(DockerNetworkStatus a, DockerNetworkStatus b) {
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    return a != null && mapper.valueToTree(a).equals(mapper.valueToTree(b));
  }

  private static String ownerUid(DockerNetworkNodeState report) {
    return report.getMetadata().getOwnerReferences().stream()
        .findFirst()
        .map(o -> o.getUid())
        .orElse(null);
  }
}
