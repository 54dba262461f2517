package io.dockernet.operator;

import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.ReportStore;
import io.dockernet.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What every agent reconciler needs: who we are, the clients to both sides, and what the cluster's
 * policy lets an object do to this node.
 *
 * @param trustsReports whether the agent before this one ran by the same {@code PassRules}, so that
 *     first passes may trust reports by an overview of the daemon ({@code FirstPassTrust})
 */
public record AgentContext(
    String nodeName,
    KubernetesClient client,
    DockerGateway docker,
    DockerEventHub dockerEvents,
    EventRecorder events,
    ReportStore reportStore,
    NetworkGuard guard,
    MeterRegistry metrics,
    NodePolicy nodePolicy,
    boolean trustsReports) {

  /** With the cluster's default node policy, every pass reading the daemon. */
  public AgentContext(
      String nodeName,
      KubernetesClient client,
      DockerGateway docker,
      DockerEventHub dockerEvents,
      EventRecorder events,
      ReportStore reportStore,
      NetworkGuard guard,
      MeterRegistry metrics) {
    this(
        nodeName,
        client,
        docker,
        dockerEvents,
        events,
        reportStore,
        guard,
        metrics,
        NodePolicy.DEFAULTS,
        false);
  }
}
