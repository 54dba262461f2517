package io.dockernet.operator;

import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.NodeStates;
import io.dockernet.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

/** What every agent reconciler needs: who we are, and the clients to both sides. */
public record AgentContext(
    String nodeName,
    KubernetesClient client,
    DockerGateway docker,
    DockerEventHub dockerEvents,
    EventRecorder events,
    NodeStates nodeStates,
    NetworkGuard guard,
    MeterRegistry metrics) {}
