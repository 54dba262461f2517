package io.dockernet.operator;

import io.dockernet.operator.attachment.ContainerAttachmentSummaryReconciler;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.network.DockerNetworkSummaryReconciler;
import io.dockernet.operator.node.ClusterNodes;
import io.dockernet.operator.node.DepartedNodeCollector;
import io.dockernet.operator.node.LiveAgents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller role: the summaries of both kinds from the per-node reports of live agents, and
 * the collector of departed nodes' leftovers, acting only on the replica that leads.
 */
final class ControllerRole implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerRole.class);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicInteger leading;
  private LiveAgents agents;
  private DepartedNodeCollector departedNodes;
  private Operator operator;
  private volatile boolean closing;

  private ControllerRole(AtomicInteger leading) {
    this.leading = leading;
  }

  /**
   * Starts the controller; on failure what was started is closed again.
   *
   * @param leading set to 1 while this replica leads (the leader gauge)
   */
  static ControllerRole start(
      OperatorConfig config,
      KubernetesClient client,
      MeterRegistry metrics,
      AtomicInteger leading) {
    ControllerRole role = new ControllerRole(leading);
    try {
      role.startAll(config, client, metrics);
      return role;
    } catch (RuntimeException e) {
      role.close();
      throw e;
    }
  }

  private void startAll(OperatorConfig config, KubernetesClient client, MeterRegistry metrics) {
    agents = new LiveAgents(client, config.leaseNamespace(), Clock.systemUTC());
    resources.add(agents);
    // Listed before the summaries start, so none is written as if no agent lived.
    Operators.startWatching(agents::start, "the agents' heartbeat Leases");
    ClusterNodes nodes = new ClusterNodes(client);
    resources.add(nodes);
    Operators.startWatching(nodes::start, "Nodes");
    departedNodes = new DepartedNodeCollector(client, nodes, DepartedNodeCollector.SWEEP_INTERVAL);
    resources.add(departedNodes);
    operator = Operators.create(client, leaderElection(config), config.reconcileThreads(), metrics);
    operator.register(new DockerNetworkSummaryReconciler(agents, nodes));
    operator.register(new ContainerAttachmentSummaryReconciler(agents, nodes));
    Operators.start(operator);
  }

  /**
   * Only one controller acts at a time. Losing the lease while running ends the process (its pod
   * restarts and campaigns again); losing it because we are closing does not.
   */
  private LeaderElectionConfiguration leaderElection(OperatorConfig config) {
    return new LeaderElectionConfiguration(
        "dockernet-controller",
        config.leaseNamespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null,
        new LeaderCallbacks(
            () -> {
              leading.set(1);
              LOG.info("Leading: the controller role is active");
              departedNodes.lead();
            },
            () -> {
              leading.set(0);
              if (!closing) {
                LOG.error("Lost the controller lease; exiting so that another replica takes over");
                System.exit(1);
              }
            },
            leader -> LOG.info("Controller leader is {}", leader)),
        false);
  }

  Operator operator() {
    return operator;
  }

  /** What keeps the controller from being ready, besides its informers. */
  List<String> readinessProblems() {
    return agents != null && !agents.isWatching()
        ? List.of("agents' heartbeat Leases not watched")
        : List.of();
  }

  @Override
  public void close() {
    closing = true;
    Operators.stop(operator, "controller");
    DockernetOperator.closeAll(resources);
  }
}
