package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetworkStatus;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.logging.LogContext;
import io.dockernet.operator.node.DepartedNodes;
import io.dockernet.operator.node.LiveAgents;
import io.dockernet.operator.node.LiveAgentsEventSource;
import io.dockernet.operator.node.NodeEventSources;
import io.dockernet.operator.node.SelectedNodes;
import io.dockernet.operator.status.SummaryConditions;
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
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The controller side of DockerNetwork (leader-elected, one writer of the parent's status): sums up
 * the per-node reports of the nodes that should have the network (selected, with a live agent) into
 * ready/desired counts and the conditions GitOps tools read ({@link SummaryConditions}), and cleans
 * up after nodes that left the cluster so that deletion never hangs on them.
 */
@ControllerConfiguration(
    name = DockerNetworkSummaryReconciler.NAME,
    triggerReconcilerOnAllEvents = true)
public class DockerNetworkSummaryReconciler implements Reconciler<DockerNetwork> {

  public static final String NAME = "dockernetwork-summary";

  static final SummaryConditions.Wording WORDING =
      new SummaryConditions.Wording(
          "AllNodesReady",
          "the network matches the spec",
          "NoNodesSelected",
          "no node with a live agent matches nodeSelector, so no node has the network");

  private final LiveAgents agents;
  private InformerEventSource<Node, DockerNetwork> nodes;

  public DockerNetworkSummaryReconciler(LiveAgents agents) {
    this.agents = agents;
  }

  @Override
  public List<EventSource<?, DockerNetwork>> prepareEventSources(
      EventSourceContext<DockerNetwork> context) {
    nodes = NodeEventSources.allNodes(context);
    var reports = NodeEventSources.allReports(context, DockerNetworkNodeState.class);
    return List.of(nodes, reports, new LiveAgentsEventSource<>(agents, context));
  }

  @Override
  public UpdateControl<DockerNetwork> reconcile(DockerNetwork dn, Context<DockerNetwork> context) {
    try (LogContext logged = LogContext.of(dn, null)) {
      return reconcileLogged(dn, context);
    }
  }

  private UpdateControl<DockerNetwork> reconcileLogged(
      DockerNetwork dn, Context<DockerNetwork> context) {
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
    LiveAgents.Snapshot live = agents.snapshot();
    SelectedNodes selected =
        SelectedNodes.of(DesiredNetwork.specOf(dn).nodeSelector, allNodes, live);
    DockerNetworkStatus status = summarise(dn, reports, selected, live.live());
    if (sameSummary(dn.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    DockerNetwork patch = new DockerNetwork();
    patch.setMetadata(new ObjectMetaBuilder().withName(dn.getMetadata().getName()).build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }

  /**
   * The summary of one generation.
   *
   * @param liveAgents nodes whose agent is alive: only their reports count (a report of a node
   *     whose agent stopped is kept in {@code nodes} for humans, but says nothing current)
   */
  static DockerNetworkStatus summarise(
      DockerNetwork dn,
      List<DockerNetworkNodeState> reports,
      SelectedNodes selected,
      Set<String> liveAgents) {
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
    List<NodeReport> counted =
        s.nodes.stream().filter(r -> liveAgents.contains(r.nodeName)).toList();
    Set<String> desired = selected.desired();
    long ready =
        counted.stream()
            .filter(r -> r.observedGeneration != null && r.observedGeneration == generation)
            .filter(r -> r.phase == Phase.Ready && desired.contains(r.nodeName))
            .count();
    s.readyNodes = (int) ready;
    s.desiredNodes = desired.size();
    s.ready = ready + "/" + desired.size();
    s.nodesWithoutAgent = selected.withoutAgent().isEmpty() ? null : selected.withoutAgent();
    s.conditions =
        SummaryConditions.of(
            previous == null ? null : previous.conditions,
            generation,
            counted,
            desired,
            selected.withoutAgent(),
            List.of(),
            WORDING);
    return s;
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
    var mapper = Serialization.jsonMapper();
    return a != null && mapper.valueToTree(a).equals(mapper.valueToTree(b));
  }

  private static String ownerUid(DockerNetworkNodeState report) {
    return report.getMetadata().getOwnerReferences().stream()
        .findFirst()
        .map(o -> o.getUid())
        .orElse(null);
  }
}
