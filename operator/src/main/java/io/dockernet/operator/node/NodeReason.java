package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.Phase;

/**
 * The reasons both kinds' per-node reports give: the node's Docker Engine cannot be used, or the
 * object leaves the node. The docker package names the Engine ones by these words ({@code reason()}
 * of its exceptions, {@code EngineCapabilities.UNSUPPORTED}).
 */
public enum NodeReason implements ReportReason {
  DockerUnavailable(
      Phase.Error,
      """
      the agent cannot reach its Docker socket: the socket path (`docker.socketPath`) or its group
      (`docker.groupId`, `stat -c %g /var/run/docker.sock`) is wrong, or the daemon is down; the
      agent retries with backoff and catches up when it is back
      """),
  EngineTooOld(
      Phase.Error,
      "no API version both sides speak: the Engine is older than 20.10; both versions named",
      """
      the node's Docker Engine speaks no API version as new as 1.41 (Engine 20.10); the message
      names both versions. Upgrade Docker on the node: the agent notices within its retry interval
      (at most 30 s) and carries on, no restart needed
      """),
  EngineTooNew(
      Phase.Error,
      "no API version both sides speak: the Engine accepts only newer ones; both versions named",
      """
      the node's Docker Engine accepts only API versions newer than the newest this operator speaks
      (a daemon started with a high `DOCKER_MIN_API_VERSION`, or an Engine newer than the operator);
      the message names both versions. Upgrade the operator, or lower the daemon's minimum: the
      agent notices within its retry interval (at most 30 s) and carries on
      """),
  UnsupportedByEngine(
      Phase.Error,
      "names the feature and the Engine and API version it needs",
      """
      the object asks for something the node's Engine would silently ignore or get wrong (an
      IPv6-only network before 28.0, bridge gateway mode `routed` before 27.0, an IPv6 `ipRange` of
      /64 before 27.2 or wider before 28.0, endpoint driver option
      `com.docker.network.endpoint.sysctls` before 27.0, ...); the message names the feature and the
      Engine and API version that has it. Nothing was created on that node. Upgrade the Engine,
      or keep the feature to nodes that have it (`nodeSelector`)
      """),
  Deleted(
      Phase.Deleting,
      """
      the object is being deleted and the node took off what the operator made there; the node's
      report then goes with its finalizer, so a report seldom shows this. A report that stays in
      another phase (`Blocked` / `ForeignEndpoints`, `Error` / `RemoveRejected`) says what holds the
      deletion up
      """),
  NodeNotSelected(
      Phase.Deleting,
      """
      the object's `nodeSelector` no longer selects the node (or the node's labels changed): the
      node took off what the operator made there (a network as its `deletionPolicy` says), and its
      report goes, so a report seldom shows this
      """);

  private final Phase phase;
  private final String summary;
  private final String help;

  NodeReason(Phase phase, String help) {
    this(phase, "", help);
  }

  NodeReason(Phase phase, String summary, String help) {
    this.phase = phase;
    this.summary = summary;
    this.help = ReportReason.paragraph(help);
  }

  @Override
  public Phase phase() {
    return phase;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public String help() {
    return help;
  }
}
