package io.dockernet.operator.docker;

import java.util.Map;

/**
 * One event from the daemon's stream ({@link DockerGateway#subscribe}), e.g. type {@code network},
 * action {@code connect}, the network's ID as actor, and attributes {@code name}, {@code type} and
 * {@code container}.
 */
public record DockerEvent(
    String type, String action, String actorId, Map<String, String> attributes) {}
