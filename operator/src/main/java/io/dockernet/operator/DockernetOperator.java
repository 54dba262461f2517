package io.dockernet.operator;

import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.health.HttpEndpoints;
import io.dockernet.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.OperatorException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
  private final OperatorConfig config;
  // Read by the probes' threads, which answer while the roles start.
  private volatile AgentRole agent;
  private volatile ControllerRole controller;
  private HttpEndpoints http;

  private DockernetOperator(OperatorConfig config) {
    this.config = config;
  }

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
      try {
        return startOnce(config, client, decorate);
      } catch (OperatorException | KubernetesClientException e) {
        // An informer's first list can fail on a pooled connection the API server just closed
        // (fabric8's Vert.x client does not retry HttpClosedException, fabric8io/kubernetes-client
        // #7450), and a first read can time out on a busy API server: start again from scratch a
        // few times before giving up.
        if (attempt == START_ATTEMPTS) {
          throw e;
        }
        LOG.warn("Starting failed ({}); trying again, attempt {}", rootMessage(e), attempt + 1);
        sleep(Duration.ofSeconds(attempt));
      }
    }
  }

  /** One attempt at {@link #start}: what it started is closed again when it fails. */
  static DockernetOperator startOnce(
      OperatorConfig config, KubernetesClient client, UnaryOperator<DockerGateway> decorate)
      throws IOException {
    DockernetOperator op = new DockernetOperator(config);
    try {
      op.startRoles(client, decorate);
      return op;
    } catch (IOException | RuntimeException e) {
      op.close();
      throw e;
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

  private void startRoles(KubernetesClient client, UnaryOperator<DockerGateway> decorate)
      throws IOException {
    // Serving first: a start's probes say what it waits for, /metrics shows how far it got, and
    // /readyz answers the moment the roles are up rather than after the server's own start.
    http =
        new HttpEndpoints(
            config.httpPort(), metrics, this::livenessProblems, this::readinessProblems);
    if (config.roles().contains(Role.AGENT)) {
      agent = AgentRole.start(config, client, metrics, decorate);
    }
    if (config.roles().contains(Role.CONTROLLER)) {
      operatorMetrics.registerLeader(leading);
      controller = ControllerRole.start(config, client, metrics, leading);
    }
    LOG.info("Roles {} started; metrics and probes on port {}", config.roles(), http.port());
  }

  /**
   * Liveness is a plain "this process still serves": an API-server or Docker outage is not cured by
   * a restart (it would only interrupt changes under way), so it shows in readiness instead. The
   * one exception is an agent that stood down for another of its node. Until the roles have started
   * it says "starting": the chart's startup probe asks /healthz, and gives a start its own time
   * before the kubelet restarts one that does not finish.
   */
  private List<String> livenessProblems() {
    if (startingRoles()) {
      return List.of("starting");
    }
    return agent == null ? List.of() : agent.livenessProblems();
  }

  /** Ready: every informer watching and, for an agent, the Docker event stream answered. */
  private List<String> readinessProblems() {
    List<String> problems = new ArrayList<>(livenessProblems());
    if (startingRoles()) {
      return problems;
    }
    List<Operator> operators = new ArrayList<>();
    if (agent != null) {
      operators.add(agent.operator());
    }
    if (controller != null) {
      operators.add(controller.operator());
    }
    if (!operators.stream().allMatch(o -> o.getRuntimeInfo().isStarted())) {
      problems.add("not started");
    } else if (!operators.stream().allMatch(o -> o.getRuntimeInfo().allEventSourcesAreHealthy())) {
      problems.add("Kubernetes informers not watching");
    }
    if (controller != null) {
      problems.addAll(controller.readinessProblems());
    }
    if (agent != null) {
      problems.addAll(agent.readinessProblems());
    }
    return problems;
  }

  /** True until every role the config names has started (its operator built and started). */
  private boolean startingRoles() {
    return (config.roles().contains(Role.AGENT) && agent == null)
        || (config.roles().contains(Role.CONTROLLER) && controller == null);
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    closeAll(Arrays.asList(agent, controller, http));
    operatorMetrics.close();
  }

  /** Closes each in order; one that fails is logged and the rest still close. */
  static void closeAll(List<? extends AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      if (r == null) {
        continue;
      }
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("closing {}", r, e);
      }
    }
  }
}
