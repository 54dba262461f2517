package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetworkStatus;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
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
 * The controller side of DockerNetwork (leader-elected, one writer of the parent's status): sums up
 * the per-node reports into a {@link NodeSummary} over the nodes that should have the network
 * (selected, with a live agent), next to the Docker network name in effect.
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
  private final ClusterNodes nodes;
  private final ProgressHold hold = new ProgressHold();
  private RecreatedPrimaries<DockerNetwork> recreated;

  public DockerNetworkSummaryReconciler(LiveAgents agents, ClusterNodes nodes) {
    this.agents = agents;
    this.nodes = nodes;
  }

  @Override
  public List<EventSource<?, DockerNetwork>> prepareEventSources(
      EventSourceContext<DockerNetwork> context) {
    var reports = NodeEventSources.allReports(context, DockerNetworkNodeState.class);
    recreated = new RecreatedPrimaries<>(context.getPrimaryCache()::get);
    return List.of(
        reports,
        new EveryPrimaryEventSource<>("nodes", nodes::onSelectionChange, context),
        new EveryPrimaryEventSource<>("live-agents", agents::addListener, context),
        recreated);
  }

  @Override
  public UpdateControl<DockerNetwork> reconcile(DockerNetwork dn, Context<DockerNetwork> context) {
    if (context.isPrimaryResourceDeleted()) {
      recreated.deletionHandled(dn);
      hold.forget(dn.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    if (dn.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    try (LogContext logged = LogContext.of(dn, null)) {
      List<Node> cluster = nodes.list();
      LiveAgents.Snapshot live = agents.snapshot();
      DockerNetworkStatus status =
          summarise(
              dn,
              ParentReports.of(
                  dn, context.getSecondaryResources(DockerNetworkNodeState.class), cluster),
              SelectedNodes.of(DesiredNetwork.specOf(dn).nodeSelector, cluster, live),
              live.live());
      String name = dn.getMetadata().getName();
      if (!NodeSummary.changes(dn.getStatus(), status)) {
        hold.forget(name);
        return UpdateControl.noUpdate();
      }
      Optional<Duration> wait =
          hold.before(name, dn.getStatus(), status, s -> s.observedGeneration, s -> s.conditions);
      if (wait.isPresent()) {
        return UpdateControl.<DockerNetwork>noUpdate().rescheduleAfter(wait.get());
      }
      DockerNetwork patch = new DockerNetwork();
      patch.setMetadata(new ObjectMetaBuilder().withName(dn.getMetadata().getName()).build());
      patch.setStatus(status);
      return UpdateControl.patchStatus(patch);
    }
  }

  /**
   * The summary of one generation.
   *
   * @param liveAgents nodes whose agent is alive: only their reports count
   */
  static DockerNetworkStatus summarise(
      DockerNetwork dn,
      List<NetworkReport> reports,
      SelectedNodes selected,
      Set<String> liveAgents) {
    DockerNetworkStatus previous = dn.getStatus();
    NodeSummary summary =
        new NodeSummary.Builder<NetworkReport>(
                dn.getMetadata().getGeneration(),
                previous == null ? null : previous.conditions,
                WORDING)
            .reports(reports, liveAgents)
            .desired(selected.desired())
            .withoutAgent(selected.withoutAgent())
            .build();
    DockerNetworkStatus s = new DockerNetworkStatus();
    s.observedGeneration = summary.observedGeneration();
    s.networkName = dn.dockerName();
    s.readyNodes = summary.readyNodes();
    s.desiredNodes = summary.desiredNodes();
    s.ready = summary.ready();
    s.conditions = summary.conditions();
    s.nodesWithoutAgent = summary.nodesWithoutAgent();
    s.nodes = summary.nodes();
    return s;
  }
}
