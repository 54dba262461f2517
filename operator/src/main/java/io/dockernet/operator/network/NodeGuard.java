package io.dockernet.operator.network;

import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.node.HostNetwork;
import io.dockernet.operator.node.HostNetwork.Route;
import io.dockernet.operator.node.Refusal;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the cluster's policy ({@link NodePolicy}) does not let a DockerNetwork do to a node, decided
 * before any Docker write: whoever may create a DockerNetwork must not thereby become network admin
 * of every node it selects. Each refusal names what it protects.
 *
 * <ul>
 *   <li>{@code ParentInterfaceNotAllowed}: a macvlan/ipvlan {@code parent} the admin did not allow
 *       (it would put containers on that interface's LAN).
 *   <li>{@code HostInterfaceProtected}: a bridge name that is an interface of the node no Docker
 *       network owns ({@code cni0}, {@code br0}, the uplink): Docker would take it over, adding
 *       addresses and iptables rules.
 *   <li>{@code SubnetOverlapsHost}: a subnet overlapping one of the node's own addresses or routes
 *       (those on Docker's bridges aside: overlaps among Docker networks are Docker's to refuse).
 *   <li>{@code SubnetOverlapsCluster}: a subnet overlapping the cluster's pod or service CIDRs.
 *   <li>{@code HostNetworkUnreadable}: the admin configured where the node's facts are, and they
 *       cannot be read: what cannot be checked is refused, not allowed.
 *   <li>{@code ProtectedNetwork}: {@code adoptionPolicy: Recreate} of a network Docker or Docker
 *       Compose owns, unless allowed ({@link #protectedNetwork}).
 * </ul>
 */
public final class NodeGuard {

  static final String BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";

  /** Networks every Docker Engine (or swarm mode) makes and manages itself. */
  private static final Set<String> DOCKER_NETWORKS =
      Set.of("bridge", "host", "none", "docker_gwbridge", "ingress");

  private static final String COMPOSE_PROJECT_LABEL = "com.docker.compose.project";

  private final NodePolicy policy;
  private final HostFacts host;

  /** How the node's interfaces and routes are read (a seam for tests). */
  public interface HostFacts {
    /** The node's network, or empty when the agent is not configured to see it. */
    Optional<HostNetwork> read() throws IOException;
  }

  public NodeGuard(NodePolicy policy, HostFacts host) {
    this.policy = policy;
    this.host = host;
  }

  /** The guard of {@code policy}, reading host facts from its {@code hostNetDir} when set. */
  public static NodeGuard of(NodePolicy policy) {
    return new NodeGuard(
        policy,
        () ->
            policy.hostNetDir() == null
                ? Optional.empty()
                : Optional.of(HostNetwork.read(policy.hostNetDir())));
  }

  /**
   * The refusal of {@code desired} on this node, if any.
   *
   * @param dockerNetworks every network on the node (listed only when a check needs them)
   */
  Optional<Refusal> check(NetworkRequest desired, Supplier<List<NetworkInfo>> dockerNetworks) {
    Optional<Refusal> parent = parent(desired);
    if (parent.isPresent()) {
      return parent;
    }
    Optional<Refusal> cluster = clusterOverlap(desired);
    if (cluster.isPresent()) {
      return cluster;
    }
    boolean needsHost = bridgeName(desired) != null || !subnets(desired).isEmpty();
    if (!needsHost) {
      return Optional.empty();
    }
    Optional<HostNetwork> node;
    try {
      node = host.read();
    } catch (IOException | RuntimeException e) {
      return Optional.of(
          new Refusal(
              NetworkReason.HostNetworkUnreadable,
              "cannot read this node's interfaces and routes from "
                  + policy.hostNetDir()
                  + " ("
                  + e.getMessage()
                  + "), so cannot tell whether the bridge name or subnet would take over the"
                  + " node's own networking; refusing until it can (chart: agent.hostPID)"));
    }
    if (node.isEmpty()) {
      return Optional.empty();
    }
    Set<String> dockerBridges =
        dockerNetworks.get().stream()
            .map(NetworkInfo::bridge)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    return hostInterface(desired, node.get(), dockerBridges)
        .or(() -> hostOverlap(desired, node.get(), dockerBridges));
  }

  private Optional<Refusal> parent(NetworkRequest desired) {
    if (!"macvlan".equals(desired.driver()) && !"ipvlan".equals(desired.driver())) {
      return Optional.empty();
    }
    String parent = desired.options() == null ? null : desired.options().get("parent");
    if (parent == null || parent.isBlank()) {
      // Docker then makes a dummy parent of its own: containers reach no LAN.
      return Optional.empty();
    }
    int dot = parent.indexOf('.');
    String base = dot > 0 ? parent.substring(0, dot) : parent;
    if (policy.allowedParentInterfaces().contains(parent)
        || policy.allowedParentInterfaces().contains(base)) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            NetworkReason.ParentInterfaceNotAllowed,
            desired.driver()
                + " parent "
                + parent
                + " is not an interface the cluster allows ("
                + (policy.allowedParentInterfaces().isEmpty()
                    ? "none are"
                    : "allowed: "
                        + String.join(
                            ", ", policy.allowedParentInterfaces().stream().sorted().toList()))
                + "; chart value nodeGuard.allowedParentInterfaces): it would put containers on"
                + " that interface's LAN"));
  }

  private Optional<Refusal> clusterOverlap(NetworkRequest desired) {
    for (String subnet : subnets(desired)) {
      for (String cidr : policy.clusterCidrs()) {
        if (Preflight.overlap(subnet, cidr)) {
          return Optional.of(
              new Refusal(
                  NetworkReason.SubnetOverlapsCluster,
                  "subnet "
                      + subnet
                      + " overlaps the cluster's network "
                      + cidr
                      + " (chart value nodeGuard.clusterCidrs): the node would route that"
                      + " traffic to Docker instead of to pods or services"));
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Refusal> hostInterface(
      NetworkRequest desired, HostNetwork node, Set<String> dockerBridges) {
    String bridge = bridgeName(desired);
    if (bridge == null || !node.interfaces().contains(bridge) || dockerBridges.contains(bridge)) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            NetworkReason.HostInterfaceProtected,
            "bridge name "
                + bridge
                + " is an interface of this node that no Docker network owns: Docker would take"
                + " it over (adding addresses and iptables rules); choose another "
                + BRIDGE_NAME_OPTION));
  }

  private static Optional<Refusal> hostOverlap(
      NetworkRequest desired, HostNetwork node, Set<String> dockerBridges) {
    for (String subnet : subnets(desired)) {
      for (Route route : node.routes()) {
        if (!dockerBridges.contains(route.device()) && Preflight.overlap(subnet, route.cidr())) {
          return Optional.of(
              new Refusal(
                  NetworkReason.SubnetOverlapsHost,
                  "subnet "
                      + subnet
                      + " overlaps "
                      + route.cidr()
                      + " of this node's interface "
                      + route.device()
                      + ": a competing route would cut the node off from that network"));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The refusal to replace {@code foreign}, a network the operator did not create, under {@code
   * adoptionPolicy: Recreate}, when Docker itself or Docker Compose owns it.
   */
  Optional<Refusal> protectedNetwork(NetworkInfo foreign) {
    if (policy.allowRecreateOfDockerNetworks()) {
      return Optional.empty();
    }
    String project = foreign.labels() == null ? null : foreign.labels().get(COMPOSE_PROJECT_LABEL);
    String owner =
        DOCKER_NETWORKS.contains(foreign.name())
            ? "Docker itself"
            : project != null ? "Docker Compose project " + project : null;
    if (owner == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            NetworkReason.ProtectedNetwork,
            "Docker network "
                + foreign.name()
                + " belongs to "
                + owner
                + ": adoptionPolicy Recreate would replace it under its owner; the cluster does"
                + " not allow that (chart value nodeGuard.allowRecreateOfDockerNetworks)"));
  }

  private static String bridgeName(NetworkRequest desired) {
    if (!"bridge".equals(desired.driver()) || desired.options() == null) {
      return null;
    }
    return desired.options().get(BRIDGE_NAME_OPTION);
  }

  private static List<String> subnets(NetworkRequest desired) {
    if (desired.ipam() == null || desired.ipam().pools() == null) {
      return List.of();
    }
    return desired.ipam().pools().stream().map(IpamPool::subnet).filter(Objects::nonNull).toList();
  }
}
