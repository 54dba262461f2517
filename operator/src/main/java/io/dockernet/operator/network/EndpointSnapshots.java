package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot.State;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.ip.Addresses;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Endpoints recorded so that they can be put back exactly as they were, and the connect request
 * that does it. Pure: no I/O.
 */
public final class EndpointSnapshots {

  private EndpointSnapshots() {}

  /**
   * What {@code container} has on a network, as container inspect shows it.
   *
   * @param attachment the ContainerAttachment that made the endpoint, or null
   */
  public static EndpointSnapshot of(
      String containerId, String containerName, ContainerEndpoint endpoint, String attachment) {
    EndpointSnapshot s = new EndpointSnapshot();
    s.containerId = containerId;
    s.containerName = containerName;
    s.attachment = attachment;
    s.ipv4Address = canonical(endpoint.ipv4Address());
    s.ipv6Address = canonical(endpoint.ipv6Address());
    s.staticIpv4 = canonical(endpoint.configuredIpv4());
    s.staticIpv6 = canonical(endpoint.configuredIpv6());
    s.aliases = withoutShortId(endpoint.aliases(), containerId);
    s.links = orEmpty(endpoint.links());
    s.linkLocalIps = orEmpty(endpoint.linkLocalIps());
    s.macAddress = endpoint.macAddress();
    s.driverOpts = endpoint.driverOpts() == null ? Map.of() : new TreeMap<>(endpoint.driverOpts());
    s.state = State.Pending;
    return s;
  }

  /** The endpoint exactly as it was configured: static addresses only, nothing pinned. */
  public static EndpointRequest asConfigured(EndpointSnapshot s) {
    return new EndpointRequest(
        s.staticIpv4,
        s.staticIpv6,
        orEmpty(s.linkLocalIps),
        orEmpty(s.aliases),
        orEmpty(s.links),
        s.macAddress,
        s.driverOpts == null ? Map.of() : s.driverOpts);
  }

  /**
   * The request that puts the endpoint back on {@code target}: static addresses as they were; a
   * dynamic endpoint asks for the address it had when that address lies in one of the target's
   * pools and the target's subnets were configured (Docker accepts a requested address only there),
   * so that it keeps its address and never takes anyone else's.
   *
   * @param configuredSubnets whether the target network's subnets were configured by the user
   */
  public static EndpointRequest restoreRequest(
      EndpointSnapshot s, NetworkInfo target, boolean configuredSubnets) {
    EndpointRequest configured = asConfigured(s);
    String v4 =
        s.staticIpv4 != null ? s.staticIpv4 : pinnable(s.ipv4Address, target, configuredSubnets);
    String v6 =
        s.staticIpv6 != null ? s.staticIpv6 : pinnable(s.ipv6Address, target, configuredSubnets);
    return new EndpointRequest(
        v4,
        v6,
        configured.linkLocalIps(),
        configured.aliases(),
        configured.links(),
        configured.macAddress(),
        configured.driverOpts());
  }

  /** True when the endpoint was configured with a static address of either family. */
  public static boolean isStatic(EndpointSnapshot s) {
    return s.staticIpv4 != null || s.staticIpv6 != null;
  }

  /**
   * Static endpoints first (their addresses are promised), then dynamic ones; by container name
   * within each, so that the order does not depend on container IDs.
   */
  public static final Comparator<EndpointSnapshot> RESTORE_ORDER =
      Comparator.comparing((EndpointSnapshot s) -> isStatic(s) ? 0 : 1)
          .thenComparing(s -> Objects.toString(s.containerName, ""))
          .thenComparing(s -> Objects.toString(s.containerId, ""));

  /** The addresses a snapshot holds, for humans: "198.18.0.10 (static)". */
  public static String describe(EndpointSnapshot s) {
    StringBuilder out = new StringBuilder(Objects.toString(s.containerName, s.containerId));
    String v4 = s.staticIpv4 != null ? s.staticIpv4 + " static" : s.ipv4Address;
    String v6 = s.staticIpv6 != null ? s.staticIpv6 + " static" : s.ipv6Address;
    if (v4 != null || v6 != null) {
      out.append(" (");
      out.append(v4 == null ? "" : v4);
      out.append(v4 != null && v6 != null ? ", " : "");
      out.append(v6 == null ? "" : v6);
      out.append(")");
    }
    return out.toString();
  }

  private static String pinnable(String address, NetworkInfo target, boolean configuredSubnets) {
    if (address == null || !configuredSubnets || target.ipam() == null) {
      return null;
    }
    List<IpamPool> pools = target.ipam().pools() == null ? List.of() : target.ipam().pools();
    return pools.stream().anyMatch(p -> Addresses.contains(p.subnet(), address)) ? address : null;
  }

  private static String canonical(String address) {
    return address == null || address.isBlank() ? null : Addresses.canonicalAddress(address);
  }

  /** Docker adds the container's short ID as an alias itself; passing it back is noise. */
  private static List<String> withoutShortId(List<String> aliases, String containerId) {
    if (aliases == null) {
      return List.of();
    }
    String shortId = DockerGateway.shortId(containerId);
    return aliases.stream().filter(a -> !a.equals(shortId)).toList();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
