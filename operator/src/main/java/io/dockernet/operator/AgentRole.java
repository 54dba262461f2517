package io.dockernet.operator;

import io.dockernet.operator.attachment.ContainerAttachmentAgentReconciler;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerJavaGateway;
import io.dockernet.operator.docker.OneWriteAtATime;
import io.dockernet.operator.docker.SharedReads;
import io.dockernet.operator.network.DockerNetworkAgentReconciler;
import io.dockernet.operator.node.AgentHeartbeat;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.NodeLeaseKeeper;
import io.dockernet.operator.node.NodeLeases;
import io.dockernet.operator.node.PassRules;
import io.dockernet.operator.node.ReportStore;
import io.dockernet.operator.node.UnfinishedReplacements;
import io.dockernet.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent role on one node: its Docker gateway and event hub, the two agent reconcilers, the
 * node's Lease (one agent acts for a node at a time) and the heartbeat the controller counts.
 */
final class AgentRole implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRole.class);

  /** How long the start waits for the daemon to answer the event subscription. */
  private static final Duration FIRST_ANSWER_WAIT = Duration.ofSeconds(2);

  private final OperatorConfig config;
  private final KubernetesClient client;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private DockerEventHub hub;
  private NodeLeaseKeeper keeper;
  private Operator operator;
  private volatile boolean closing;
  private volatile boolean stoodDown;

  private AgentRole(OperatorConfig config, KubernetesClient client) {
    this.config = config;
    this.client = client;
  }

  /**
   * Starts the agent; on failure what was started is closed again.
   *
   * @param decorate wraps the Docker gateway (fault tests stop or fail the agent at a chosen call)
   */
  static AgentRole start(
      OperatorConfig config,
      KubernetesClient client,
      MeterRegistry metrics,
      UnaryOperator<DockerGateway> decorate) {
    AgentRole role = new AgentRole(config, client);
    try {
      role.startAll(metrics, decorate);
      return role;
    } catch (RuntimeException e) {
      role.close();
      throw e;
    }
  }

  private void startAll(MeterRegistry metrics, UnaryOperator<DockerGateway> decorate) {
    DockerJavaGateway gateway =
        DockerJavaGateway.create(
            config.dockerHost(),
            metrics,
            DockerJavaGateway.DEFAULT_CONNECT_TIMEOUT,
            DockerJavaGateway.DEFAULT_RESPONSE_TIMEOUT,
            config.reconcileThreads());
    resources.add(gateway);
    DockerGateway docker = decorate.apply(gateway);
    hub = new DockerEventHub(docker, metrics, config.driftCheckInterval());
    resources.add(hub);
    // Listens to the hub before the reconcilers do: an event drops what it may have changed
    // before it wakes anything.
    DockerGateway reads = new SharedReads(new OneWriteAtATime(docker), hub);
    // The daemon answers the subscription, and says who it is, while the Kubernetes side is set
    // up (below): only the log line waits for its info; the passes wait for the stream's answer.
    hub.start();
    DaemonThreads.named("docker-info").newThread(() -> logDaemon(gateway)).start();
    NetworkGuard guard = new NetworkGuard();
    UnfinishedReplacements.mark(client, config.nodeName(), guard);
    EventRecorder events = new EventRecorder(client, "dockernet-agent", config.nodeName());
    resources.add(events);
    PassRules rules = PassRules.of(config.nodePolicy());
    AgentContext agent =
        new AgentContext(
            config.nodeName(),
            client,
            reads,
            hub,
            events,
            new ReportStore(client, config.nodeName(), gateway::knownEngine),
            guard,
            metrics,
            config.nodePolicy(),
            rules.sameAsBefore(client, config.leaseNamespace(), config.nodeName()));
    LOG.info("Agent for node {}: node policy {}", config.nodeName(), config.nodePolicy());
    DockerNetworkAgentReconciler networks = new DockerNetworkAgentReconciler(agent);
    ContainerAttachmentAgentReconciler attachments = new ContainerAttachmentAgentReconciler(agent);
    // Closed with the rest, after the operator stopped: their own threads.
    resources.add(networks);
    resources.add(attachments);
    AgentHeartbeat heartbeat =
        new AgentHeartbeat(
            client,
            config.leaseNamespace(),
            config.nodeName(),
            rules,
            () -> networks.passedAll() && attachments.passedAll());
    resources.add(heartbeat);
    // Its first renewal drops the previous agent's rules (read above, for the context): it is
    // sent while the operator is set up and waited for before the first pass, so no report of
    // this agent's can be taken for one written by those rules.
    Future<?> firstRenewal = heartbeat.start();
    keeper =
        new NodeLeaseKeeper(
            client, config.leaseNamespace(), config.nodeName(), config.identity(), this::standDown);
    operator = Operators.create(client, nodeLease(), config.reconcileThreads(), metrics);
    operator.register(networks);
    operator.register(attachments);
    // Following Docker events before any pass: the stream's first answer then wakes nothing (each
    // object's first pass reads the daemon anyway) rather than every object a second time, as
    // it does when it comes once passes have begun. A daemon that does not answer soon is
    // waited for no longer: its answer then wakes everything, which is what it is for.
    hub.awaitFirstAnswer(FIRST_ANSWER_WAIT);
    awaitFirst(firstRenewal);
    Operators.start(operator);
  }

  private static void awaitFirst(Future<?> renewal) {
    try {
      renewal.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the heartbeat's first renewal failed", e.getCause());
    }
  }

  /** A daemon that cannot be used yet is not a reason to exit: see the log line. */
  private void logDaemon(DockerJavaGateway gateway) {
    try {
      LOG.info(
          "Agent for node {} using Docker at {} ({})",
          config.nodeName(),
          config.dockerHost(),
          gateway.daemonInfo());
    } catch (DockerException e) {
      // A crash loop would say less: every object this node takes part in reports why
      // (DockerUnavailable, EngineTooOld, ...) until the daemon can be used.
      LOG.warn(
          "Agent for node {}: Docker at {} cannot be used yet: {}",
          config.nodeName(),
          config.dockerHost(),
          e.getMessage());
    }
  }

  /**
   * One agent acts for a node at a time: during a DaemonSet rollout with maxSurge, or when an old
   * agent hangs, two could otherwise interleave the steps of a network replacement. The agent holds
   * its node's Lease while it acts; another one for the same node waits for it. A restarted agent
   * with the same identity (its pod's name) takes it back at once.
   */
  private LeaderElectionConfiguration nodeLease() {
    return new LeaderElectionConfiguration(
        NodeLeases.name(config.nodeName()),
        config.leaseNamespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        config.identity(),
        new LeaderCallbacks(
            () -> LOG.info("Acting for node {}: holding its Lease", config.nodeName()),
            () -> {
              if (!closing) {
                keeper.electorStopped();
              }
            },
            holder -> LOG.info("Node {}'s Lease is held by {}", config.nodeName(), holder)),
        false);
  }

  /**
   * Another agent of this node holds its Lease now: this one stops acting and reports unhealthy, so
   * its pod is restarted and waits for the Lease like any second agent.
   */
  private void standDown() {
    stoodDown = true;
    if (operator != null) {
      operator.stop();
    }
  }

  Operator operator() {
    return operator;
  }

  /** Why this agent is not alive: it stood down for another agent of its node. */
  List<String> livenessProblems() {
    return stoodDown ? List.of("another agent holds this node's Lease") : List.of();
  }

  /** What keeps this agent from being ready, besides its informers. */
  List<String> readinessProblems() {
    return hub != null && !hub.isConnected()
        ? List.of("Docker event stream not open (DockerUnavailable)")
        : List.of();
  }

  /** Stops acting, hands the node's Lease back, then closes Docker and the rest. */
  @Override
  public void close() {
    closing = true;
    Operators.stop(operator, "agent");
    if (keeper != null) {
      keeper.close();
      NodeLeases.release(client, config.leaseNamespace(), config.nodeName(), config.identity());
    }
    DockernetOperator.closeAll(resources);
  }
}
