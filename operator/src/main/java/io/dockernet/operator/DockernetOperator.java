package io.dockernet.operator;

import io.dockernet.operator.attachment.ContainerAttachmentAgentReconciler;
import io.dockernet.operator.attachment.ContainerAttachmentSummaryReconciler;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerJavaGateway;
import io.dockernet.operator.health.HttpEndpoints;
import io.dockernet.operator.metrics.OperatorMetrics;
import io.dockernet.operator.network.DockerNetworkAgentReconciler;
import io.dockernet.operator.network.DockerNetworkSummaryReconciler;
import io.dockernet.operator.node.AgentHeartbeat;
import io.dockernet.operator.node.DepartedNodeCollector;
import io.dockernet.operator.node.LiveAgents;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.NodeLeaseKeeper;
import io.dockernet.operator.node.NodeLeases;
import io.dockernet.operator.node.NodeStates;
import io.dockernet.operator.node.UnfinishedReplacements;
import io.dockernet.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the operator in the roles its config names: clients, metrics, the JOSDK
 * operators and the probe/metrics endpoint. Tests start several in one JVM (one agent per node).
 */
public final class DockernetOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DockernetOperator.class);
  private static final int START_ATTEMPTS = 5;

  /** How long a stopping operator lets reconciliations under way finish. */
  public static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(30);

  private final OperatorMetrics operatorMetrics = new OperatorMetrics();
  private final PrometheusMeterRegistry metrics = operatorMetrics.registry();
  private final AtomicInteger leading = new AtomicInteger();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Operator> operators = new ArrayList<>();
  private HttpEndpoints http;
  private DockerEventHub dockerEvents;
  private LiveAgents liveAgents;
  private DepartedNodeCollector departedNodes;
  private volatile boolean closing;
  private Runnable releaseLease;
  private Operator agentOperator;
  private volatile boolean stoodDown;

  /** Starts every role in {@code config}; returns once informers are synced. */
  public static DockernetOperator start(OperatorConfig config, KubernetesClient client)
      throws IOException {
    return start(config, client, UnaryOperator.identity());
  }

  /**
   * As {@link #start(OperatorConfig, KubernetesClient)}, with the agent's Docker gateway wrapped by
   * {@code decorate} (fault tests stop or fail the agent at a chosen Docker call).
   */
  public static DockernetOperator start(
      OperatorConfig config, KubernetesClient client, UnaryOperator<DockerGateway> decorate)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      DockernetOperator op = new DockernetOperator();
      try {
        op.startRoles(config, client, decorate);
        return op;
      } catch (OperatorException | KubernetesClientException e) {
        op.close();
        // An informer's first list can fail on a pooled connection the API server just closed
        // (fabric8's Vert.x client does not retry HttpClosedException, fabric8io/kubernetes-client
        // #7450), and a first read can time out on a busy API server: start again from scratch a
        // few times before giving up.
        if (attempt == START_ATTEMPTS) {
          throw e;
        }
        LOG.warn("Starting failed ({}); trying again, attempt {}", rootMessage(e), attempt + 1);
        sleep(Duration.ofSeconds(attempt));
      } catch (IOException | RuntimeException e) {
        op.close();
        throw e;
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
  }

  private void startRoles(
      OperatorConfig config, KubernetesClient client, UnaryOperator<DockerGateway> decorate)
      throws IOException {
    if (config.roles().contains(Role.AGENT)) {
      DockerJavaGateway gateway =
          DockerJavaGateway.create(
              config.dockerHost(),
              metrics,
              DockerJavaGateway.DEFAULT_CONNECT_TIMEOUT,
              DockerJavaGateway.DEFAULT_RESPONSE_TIMEOUT,
              config.reconcileThreads());
      resources.add(gateway);
      try {
        LOG.info(
            "Agent for node {} using Docker at {} ({})",
            config.nodeName(),
            config.dockerHost(),
            gateway.daemonInfo());
      } catch (DockerException e) {
        // Not a reason to exit (a crash loop would say less): every object this node takes part
        // in reports why (DockerUnavailable, EngineTooOld, ...) until the daemon can be used.
        LOG.warn(
            "Agent for node {}: Docker at {} cannot be used yet: {}",
            config.nodeName(),
            config.dockerHost(),
            e.getMessage());
      }
      DockerGateway docker = decorate.apply(gateway);
      DockerEventHub hub = new DockerEventHub(docker, metrics, config.driftCheckInterval());
      resources.add(hub);
      dockerEvents = hub;
      NetworkGuard guard = new NetworkGuard();
      UnfinishedReplacements.mark(client, config.nodeName(), guard);
      EventRecorder events = new EventRecorder(client, "dockernet-agent", config.nodeName());
      resources.add(events);
      AgentContext agent =
          new AgentContext(
              config.nodeName(),
              client,
              docker,
              hub,
              events,
              new NodeStates(client, config.nodeName(), gateway::knownEngine),
              guard,
              metrics,
              config.nodePolicy());
      LOG.info("Agent for node {}: node policy {}", config.nodeName(), config.nodePolicy());
      NodeLeaseKeeper keeper =
          new NodeLeaseKeeper(
              client,
              config.leaseNamespace(),
              config.nodeName(),
              config.identity(),
              this::standDown);
      resources.add(keeper);
      Operator operator = newOperator(client, nodeLease(config, keeper), config.reconcileThreads());
      agentOperator = operator;
      releaseLease =
          () -> {
            keeper.close();
            NodeLeases.release(
                client, config.leaseNamespace(), config.nodeName(), config.identity());
          };
      operator.register(new DockerNetworkAgentReconciler(agent), DockernetOperator::leanCache);
      operator.register(
          new ContainerAttachmentAgentReconciler(agent), DockernetOperator::leanCache);
      operator.start();
      hub.start();
      operators.add(operator);
      AgentHeartbeat heartbeat =
          new AgentHeartbeat(client, config.leaseNamespace(), config.nodeName());
      resources.add(heartbeat);
      heartbeat.start();
    }
    if (config.roles().contains(Role.CONTROLLER)) {
      operatorMetrics.registerLeader(leading);
      LiveAgents agents = new LiveAgents(client, config.leaseNamespace(), Clock.systemUTC());
      resources.add(agents);
      startWatching(agents::start, "the agents' heartbeat Leases");
      liveAgents = agents;
      DepartedNodeCollector collector =
          new DepartedNodeCollector(client, DepartedNodeCollector.SWEEP_INTERVAL);
      resources.add(collector);
      startWatching(collector::start, "Nodes");
      departedNodes = collector; // acts once this replica leads (see leaderElection)
      Operator operator = newOperator(client, leaderElection(config), config.reconcileThreads());
      operator.register(new DockerNetworkSummaryReconciler(agents), DockernetOperator::leanCache);
      operator.register(
          new ContainerAttachmentSummaryReconciler(agents), DockernetOperator::leanCache);
      operator.start();
      operators.add(operator);
    }
    http =
        new HttpEndpoints(
            config.httpPort(), metrics, this::livenessProblems, this::readinessProblems);
    LOG.info("Roles {} started; metrics and probes on port {}", config.roles(), http.port());
  }

  /**
   * The heartbeat Leases are listed before the summaries start, so none is written as if no agent
   * lived, and the Nodes before departed nodes are looked for. A failed first list is an
   * OperatorException, which {@link #start} retries like JOSDK's own informers' (the same
   * dropped-connection case).
   */
  private static void startWatching(Runnable start, String what) {
    try {
      start.run();
    } catch (KubernetesClientException e) {
      throw new OperatorException("cannot list " + what, e);
    }
  }

  /** Primary informers keep objects without their managedFields (see the store's comment). */
  private static <P extends HasMetadata> void leanCache(ControllerConfigurationOverrider<P> o) {
    o.withItemStore(new CacheWithoutManagedFields<>());
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

  /**
   * One agent acts for a node at a time: during a DaemonSet rollout with maxSurge, or when an old
   * agent hangs, two could otherwise interleave the steps of a network replacement. The agent holds
   * its node's Lease while it acts; another one for the same node waits for it. A restarted agent
   * with the same identity (its pod's name) takes it back at once.
   */
  private LeaderElectionConfiguration nodeLease(OperatorConfig config, NodeLeaseKeeper keeper) {
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

  private Operator newOperator(
      KubernetesClient client, LeaderElectionConfiguration election, int threads) {
    return new Operator(
        o -> {
          o.withKubernetesClient(client)
              .withCloseClientOnStop(false)
              // A SIGTERM lets the step under way finish (the chart's grace period is longer).
              .withReconciliationTerminationTimeout(TERMINATION_TIMEOUT)
              .withConcurrentReconciliationThreads(threads)
              .withConcurrentWorkflowExecutorThreads(threads)
              .withMetrics(MicrometerMetricsV2.newBuilder(metrics).build());
          if (election != null) {
            o.withLeaderElectionConfiguration(election);
          }
        });
  }

  /**
   * Another agent of this node holds its Lease now: this one stops acting and reports unhealthy, so
   * its pod is restarted and waits for the Lease like any second agent.
   */
  private void standDown() {
    stoodDown = true;
    if (agentOperator != null) {
      agentOperator.stop();
    }
  }

  /**
   * Liveness is a plain "this process still serves": an API-server or Docker outage is not cured by
   * a restart (it would only interrupt changes under way), so it shows in readiness instead. The
   * one exception is an agent that stood down for another of its node.
   */
  private List<String> livenessProblems() {
    return stoodDown ? List.of("another agent holds this node's Lease") : List.of();
  }

  /** Ready: every informer watching and, for an agent, the Docker event stream answered. */
  private List<String> readinessProblems() {
    List<String> problems = new ArrayList<>(livenessProblems());
    if (!operators.stream().allMatch(o -> o.getRuntimeInfo().isStarted())) {
      problems.add("not started");
    } else if (!operators.stream().allMatch(o -> o.getRuntimeInfo().allEventSourcesAreHealthy())) {
      problems.add("Kubernetes informers not watching");
    }
    if (liveAgents != null && !liveAgents.isWatching()) {
      problems.add("agents' heartbeat Leases not watched");
    }
    if (dockerEvents != null && !dockerEvents.isConnected()) {
      problems.add("Docker event stream not open (DockerUnavailable)");
    }
    return problems;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    closing = true;
    for (Operator o : operators) {
      try {
        o.stop();
      } catch (RuntimeException e) {
        LOG.warn("stopping operator", e);
      }
    }
    if (releaseLease != null) {
      releaseLease.run();
    }
    if (http != null) {
      http.close();
    }
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("closing {}", r, e);
      }
    }
    operatorMetrics.close();
  }
}
