package io.dockernet.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JOSDK operators of both roles, built and tuned the same way. */
final class Operators {

  private static final Logger LOG = LoggerFactory.getLogger(Operators.class);

  private Operators() {}

  /**
   * @param election who may act (the controller's leader, the node's one agent)
   */
  static Operator create(
      KubernetesClient client,
      LeaderElectionConfiguration election,
      int threads,
      MeterRegistry metrics) {
    return new Operator(
        o -> {
          o.withKubernetesClient(client)
              .withCloseClientOnStop(false)
              // A SIGTERM lets the step under way finish (the chart's grace period is longer).
              .withReconciliationTerminationTimeout(DockernetOperator.TERMINATION_TIMEOUT)
              .withConcurrentReconciliationThreads(threads)
              .withConcurrentWorkflowExecutorThreads(threads)
              .withMetrics(MicrometerMetricsV2.newBuilder(metrics).build());
          if (election != null) {
            o.withLeaderElectionConfiguration(election);
          }
        });
  }

  /**
   * Starts an operator, then gives JOSDK's timer pool one core thread. JOSDK 5.3 makes that pool
   * with none ({@code Executors.newScheduledThreadPool(0)}) and schedules a periodic check per
   * informer on it; a pool without core threads keeps its worker polling the queue with the JDK's
   * 10 ms keep-alive as long as any task is due later, so the worker woke 100 times a second,
   * forever: a third of the idle agent's CPU (1 s of CPU in 300 s, from a thread dump's {@code
   * cpu=}). A core thread sleeps until the next task is due.
   */
  static void start(Operator operator) {
    operator.start();
    if (timers(operator) instanceof ScheduledThreadPoolExecutor pool) {
      pool.setCorePoolSize(1);
    }
  }

  /** JOSDK's timer pool, which its ExecutorServiceManager makes on start and never shuts down. */
  static ScheduledExecutorService timers(Operator operator) {
    return operator
        .getConfigurationService()
        .getExecutorServiceManager()
        .scheduledExecutorService();
  }

  /**
   * Lists what a role needs before its reconcilers start. A failed first list is an
   * OperatorException, which {@link DockernetOperator#start} retries like JOSDK's own informers'
   * (the same dropped-connection case).
   */
  static void startWatching(Runnable start, String what) {
    try {
      start.run();
    } catch (KubernetesClientException e) {
      throw new OperatorException("cannot list " + what, e);
    }
  }

  /** Stops an operator (null: never built); a failure is logged, closing goes on. */
  static void stop(Operator operator, String whose) {
    if (operator == null) {
      return;
    }
    try {
      operator.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping the {} operator", whose, e);
    }
    ScheduledExecutorService timers = timers(operator);
    if (timers != null) { // null: the operator never started
      timers.shutdownNow(); // its core thread is not a daemon
    }
  }
}
