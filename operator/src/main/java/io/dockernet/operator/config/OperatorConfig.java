package io.dockernet.operator.config;

import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.logging.LogSettings;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Everything the process is told at start-up, read once and validated: which roles to run, which
 * node this is, where its Docker daemon listens, where metrics and probes are served.
 *
 * @param roles agent (DaemonSet, one per node), controller (leader-elected Deployment), or both
 * @param nodeName the node this agent acts for (required for the agent role)
 * @param dockerHost the node's Docker daemon
 * @param httpPort port of /metrics, /healthz and /readyz (0 picks a free one)
 * @param leaseNamespace the release namespace: the controller's leader-election Lease and the
 *     agents' heartbeat Leases live there
 * @param reconcileThreads size of each role's reconciliation pool, and of the agent's pool of
 *     Docker calls
 * @param identity who holds the Leases this process takes (its pod's name): an agent acts for its
 *     node only while it holds the node's Lease, so two agents of one node never interleave
 * @param nodePolicy what the cluster's admin lets an object do to the node (the agent's guard)
 * @param driftCheckInterval how often the agent lists its daemon's networks and containers to find
 *     what changed without an event (the backstop for lost events)
 */
public record OperatorConfig(
    Set<Role> roles,
    String nodeName,
    URI dockerHost,
    int httpPort,
    String leaseNamespace,
    int reconcileThreads,
    String identity,
    NodePolicy nodePolicy,
    Duration driftCheckInterval) {

  /**
   * One node's daemon serialises most network operations, and the controller only reads caches and
   * patches status: a few threads keep up, where JOSDK's default (50) mostly costs memory.
   */
  public static final int DEFAULT_RECONCILE_THREADS = 8;

  /** The two roles the one binary can play. */
  public enum Role {
    AGENT,
    CONTROLLER
  }

  public OperatorConfig {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("no role given: use --role agent, controller or all");
    }
    if (roles.contains(Role.AGENT) && (nodeName == null || nodeName.isBlank())) {
      throw new IllegalArgumentException(
          "the agent role needs NODE_NAME (set it from the downward API: spec.nodeName)");
    }
    if (nodePolicy == null) {
      nodePolicy = NodePolicy.DEFAULTS;
    }
    if (driftCheckInterval == null) {
      driftCheckInterval = DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL;
    }
    if (driftCheckInterval.isNegative() || driftCheckInterval.isZero()) {
      throw new IllegalArgumentException(
          "DOCKERNET_DRIFT_CHECK_SECONDS must be at least 1, not "
              + driftCheckInterval.toSeconds());
    }
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException(
          "DOCKERNET_RECONCILE_THREADS must be at least 1, not " + reconcileThreads);
    }
  }

  /**
   * With the default number of reconcile threads and an identity of its own for an agent run in
   * process (tests): one per node, so that an agent started again for a node takes its Lease at
   * once.
   */
  public OperatorConfig(
      Set<Role> roles, String nodeName, URI dockerHost, int httpPort, String leaseNamespace) {
    this(roles, nodeName, dockerHost, httpPort, leaseNamespace, NodePolicy.DEFAULTS);
  }

  /** As the constructor above, with the given node policy. */
  public OperatorConfig(
      Set<Role> roles,
      String nodeName,
      URI dockerHost,
      int httpPort,
      String leaseNamespace,
      NodePolicy nodePolicy) {
    this(
        roles,
        nodeName,
        dockerHost,
        httpPort,
        leaseNamespace,
        DEFAULT_RECONCILE_THREADS,
        "agent-" + nodeName,
        nodePolicy,
        DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL);
  }

  /** The same configuration with another drift check period. */
  public OperatorConfig withDriftCheckInterval(Duration interval) {
    return new OperatorConfig(
        roles,
        nodeName,
        dockerHost,
        httpPort,
        leaseNamespace,
        reconcileThreads,
        identity,
        nodePolicy,
        interval);
  }

  /**
   * Reads the environment, with {@code --role=...}/{@code --role ...} on the command line taking
   * precedence over {@code DOCKERNET_ROLE}.
   */
  public static OperatorConfig from(Map<String, String> env, String[] args) {
    LogSettings.from(env); // applied by logback before this runs; a bad value stops us here
    String role = env.getOrDefault("DOCKERNET_ROLE", "agent");
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--role=")) {
        role = args[i].substring("--role=".length());
      } else if (args[i].equals("--role") && i + 1 < args.length) {
        role = args[++i];
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i] + " (only --role)");
      }
    }
    return new OperatorConfig(
        parseRoles(role),
        env.get("NODE_NAME"),
        URI.create(env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock")),
        Integer.parseInt(env.getOrDefault("HTTP_PORT", "8080")),
        env.getOrDefault("POD_NAMESPACE", "default"),
        parseThreads(env.get("DOCKERNET_RECONCILE_THREADS")),
        identity(env),
        NodePolicy.from(env),
        Duration.ofSeconds(
            parseWhole(
                "DOCKERNET_DRIFT_CHECK_SECONDS", env.get("DOCKERNET_DRIFT_CHECK_SECONDS"), 60)));
  }

  /** The pod's name (downward API), else the host name a pod has, else one of our own. */
  private static String identity(Map<String, String> env) {
    for (String key : new String[] {"POD_NAME", "HOSTNAME"}) {
      String value = env.get(key);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return "dockernet-" + UUID.randomUUID();
  }

  private static int parseThreads(String text) {
    return parseWhole("DOCKERNET_RECONCILE_THREADS", text, DEFAULT_RECONCILE_THREADS);
  }

  private static int parseWhole(String variable, String text, int absent) {
    if (text == null || text.isBlank()) {
      return absent;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a whole number, not '" + text + "'");
    }
  }

  static Set<Role> parseRoles(String text) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : text.toLowerCase(Locale.ROOT).split(",")) {
      switch (part.trim()) {
        case "agent" -> roles.add(Role.AGENT);
        case "controller" -> roles.add(Role.CONTROLLER);
        case "all" -> roles.addAll(EnumSet.allOf(Role.class));
        default ->
            throw new IllegalArgumentException(
                "unknown role '" + part + "': use agent, controller or all");
      }
    }
    return roles;
  }
}
