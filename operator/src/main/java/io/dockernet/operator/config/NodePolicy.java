package io.dockernet.operator.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the cluster's admin lets a DockerNetwork do to a node, whoever may create one: read once
 * from the agent's environment (set from the chart's {@code nodeGuard} values). The defaults are
 * the safe ones: a user's object reaches nothing of the node's own.
 *
 * @param allowedParentInterfaces host interfaces a macvlan or ipvlan network may use as its {@code
 *     parent} (a VLAN sub-interface {@code eth1.10} counts as {@code eth1}); none by default, as
 *     such a network puts containers on that interface's LAN
 * @param clusterCidrs the cluster's pod and service networks (and any other the admin names): no
 *     Docker network's subnet may overlap one, or the node would route that traffic to Docker
 * @param allowRecreateOfDockerNetworks whether {@code adoptionPolicy: Recreate} may replace a
 *     network Docker itself or Docker Compose owns (false: refused)
 * @param hostNetDir the node's {@code /proc/<pid>/net} directory, of a process in the node's own
 *     network namespace ({@code /proc/1/net} with {@code hostPID}): where its interfaces and routes
 *     are read; null when the agent cannot see them, and then only the checks that need no host
 *     facts are made
 * @param attachments which containers a ContainerAttachment may connect
 * @param allowDefaultBridge whether a ContainerAttachment may connect a container to Docker's
 *     default {@code bridge} network (egress for a container that was only on internal networks)
 */
public record NodePolicy(
    Set<String> allowedParentInterfaces,
    List<String> clusterCidrs,
    boolean allowRecreateOfDockerNetworks,
    Path hostNetDir,
    AttachmentMode attachments,
    boolean allowDefaultBridge) {

  /** Which containers may be attached. */
  public enum AttachmentMode {
    /** Only containers carrying the Docker label {@code io.dockernet.attachable=true}. */
    OptIn,
    /** Any container on the node. */
    Open
  }

  /**
   * The chart's defaults: no parent interface, no cluster CIDR known, no host facts, only
   * containers that opted in, not the default bridge.
   */
  public static final NodePolicy DEFAULTS =
      new NodePolicy(Set.of(), List.of(), false, null, AttachmentMode.OptIn, false);

  public NodePolicy {
    allowedParentInterfaces = Set.copyOf(allowedParentInterfaces);
    clusterCidrs = List.copyOf(clusterCidrs);
    attachments = attachments == null ? AttachmentMode.OptIn : attachments;
  }

  /** The network guard's settings, with the attachment defaults. */
  public NodePolicy(
      Set<String> allowedParentInterfaces,
      List<String> clusterCidrs,
      boolean allowRecreateOfDockerNetworks,
      Path hostNetDir) {
    this(
        allowedParentInterfaces,
        clusterCidrs,
        allowRecreateOfDockerNetworks,
        hostNetDir,
        AttachmentMode.OptIn,
        false);
  }

  /** This policy reading the node's interfaces and routes from {@code dir}. */
  public NodePolicy withHostNetDir(Path dir) {
    return new NodePolicy(
        allowedParentInterfaces,
        clusterCidrs,
        allowRecreateOfDockerNetworks,
        dir,
        attachments,
        allowDefaultBridge);
  }

  /** This policy with the given attachment settings. */
  public NodePolicy withAttachments(AttachmentMode mode, boolean defaultBridge) {
    return new NodePolicy(
        allowedParentInterfaces,
        clusterCidrs,
        allowRecreateOfDockerNetworks,
        hostNetDir,
        mode,
        defaultBridge);
  }

  /** From the agent's environment; unset variables keep the defaults. */
  public static NodePolicy from(Map<String, String> env) {
    String dir = env.get("DOCKERNET_HOST_NET_DIR");
    return new NodePolicy(
        Set.copyOf(list(env.get("DOCKERNET_ALLOWED_PARENT_INTERFACES"))),
        list(env.get("DOCKERNET_CLUSTER_CIDRS")),
        bool("DOCKERNET_ALLOW_RECREATE_OF_DOCKER_NETWORKS", env),
        dir == null || dir.isBlank() ? null : Path.of(dir.trim()),
        mode(env.get("DOCKERNET_ATTACHMENT_POLICY")),
        bool("DOCKERNET_ALLOW_DEFAULT_BRIDGE", env));
  }

  static AttachmentMode mode(String text) {
    if (text == null || text.isBlank()) {
      return AttachmentMode.OptIn;
    }
    for (AttachmentMode m : AttachmentMode.values()) {
      if (m.name().equalsIgnoreCase(text.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "DOCKERNET_ATTACHMENT_POLICY must be OptIn or Open, not '" + text + "'");
  }

  static List<String> list(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .distinct()
        .collect(Collectors.toList());
  }

  static boolean bool(String key, Map<String, String> env) {
    String text = env.get(key);
    if (text == null || text.isBlank()) {
      return false;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(key + " must be true or false, not '" + text + "'");
    };
  }
}
