package io.dockernet.operator.attachment;

import inet.ipaddr.IPAddress;
import io.dockernet.operator.Keys;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.ip.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks static addresses against the network before Docker is asked, so that the user reads what
 * is wrong in the operator's words (Docker's are often "Address already in use" or nothing at all
 * until the container restarts). Pure: no I/O.
 */
public final class StaticAddresses {

  /** The verdict: a refusal (reason and message) or warnings that do not stop the attachment. */
  public record Verdict(AttachmentReason refusal, String message, List<String> warnings) {
    public boolean refused() {
      return refusal != null;
    }

    /** The refusal's word, as the report gives it; null when not refused. */
    public String reason() {
      return refused() ? refusal.name() : null;
    }
  }

  private StaticAddresses() {}

  /**
   * Checks the requested IPv4 and IPv6 addresses against the network's pools.
   *
   * @param configuredSubnets whether the network's subnets were configured by the user (Docker
   *     refuses static addresses on a network whose subnet it picked, though inspect shows one)
   */
  public static Verdict check(
      EndpointRequest desired, NetworkInfo network, boolean configuredSubnets) {
    List<String> warnings = new ArrayList<>();
    for (String address : new String[] {desired.ipv4Address(), desired.ipv6Address()}) {
      if (address == null) {
        continue;
      }
      Optional<Verdict> refusal = checkOne(address, network, configuredSubnets, warnings);
      if (refusal.isPresent()) {
        return refusal.get();
      }
    }
    return new Verdict(null, null, List.copyOf(warnings));
  }

  private static Optional<Verdict> checkOne(
      String text, NetworkInfo network, boolean configuredSubnets, List<String> warnings) {
    IPAddress address = Addresses.parse(text).map(IPAddress::withoutPrefixLength).orElse(null);
    if (address == null) {
      return refuse(AttachmentReason.InvalidAddress, text + " is not an IP address");
    }
    String name = network.name();
    if (isDefaultBridge(network)) {
      return refuse(
          AttachmentReason.StaticAddressOnDefaultBridge,
          "Docker's default bridge network does not support static addresses ("
              + text
              + "):"
              + " use a DockerNetwork with a configured subnet");
    }
    List<IpamPool> pools =
        network.ipam() == null || network.ipam().pools() == null
            ? List.of()
            : network.ipam().pools();
    List<String> subnets = new ArrayList<>();
    for (IpamPool pool : configuredSubnets ? pools : List.<IpamPool>of()) {
      IPAddress subnet = Addresses.parse(pool.subnet()).orElse(null);
      if (subnet == null || subnet.isIPv4() != address.isIPv4()) {
        continue;
      }
      subnets.add(pool.subnet());
      IPAddress block = subnet.toPrefixBlock();
      if (!block.contains(address)) {
        continue;
      }
      return Optional.ofNullable(checkInPool(text, address, block, pool, name, warnings));
    }
    if (subnets.isEmpty() || !configuredSubnets) {
      return refuse(
          AttachmentReason.NoConfiguredSubnet,
          "network "
              + name
              + " has no configured "
              + (address.isIPv4() ? "IPv4" : "IPv6")
              + " subnet: Docker accepts a static address only on networks with user-configured"
              + " subnets (set ipam.config on the DockerNetwork)");
    }
    return refuse(
        AttachmentReason.AddressOutsideSubnets,
        text
            + " is outside every subnet of network "
            + name
            + " ("
            + String.join(", ", subnets)
            + ")");
  }

  private static Verdict checkInPool(
      String text,
      IPAddress address,
      IPAddress block,
      IpamPool pool,
      String name,
      List<String> warnings) {
    if (address.equals(block.getLower().withoutPrefixLength())) {
      return refusal(
          AttachmentReason.AddressIsNetworkAddress,
          text + " is the network address of " + pool.subnet() + " on network " + name);
    }
    if (address.isIPv4()
        && block.getNetworkPrefixLength() < 31
        && address.equals(block.getUpper().withoutPrefixLength())) {
      return refusal(
          AttachmentReason.AddressIsBroadcast,
          text + " is the broadcast address of " + pool.subnet() + " on network " + name);
    }
    // With a subnet but no gateway, Docker still reserves the first address for the bridge.
    IPAddress gateway =
        pool.gateway() != null
            ? Addresses.parse(pool.gateway()).map(IPAddress::withoutPrefixLength).orElse(null)
            : block.getLower().withoutPrefixLength().increment(1);
    if (address.equals(gateway)) {
      return refusal(
          AttachmentReason.AddressIsGateway,
          text + " is the gateway of " + pool.subnet() + " on network " + name);
    }
    Map<String, String> aux = pool.auxAddresses() == null ? Map.of() : pool.auxAddresses();
    for (var e : aux.entrySet()) {
      if (Addresses.parse(e.getValue())
          .map(a -> a.withoutPrefixLength().equals(address))
          .orElse(false)) {
        return refusal(
            AttachmentReason.AddressReserved,
            text + " is reserved as auxiliary address \"" + e.getKey() + "\" of network " + name);
      }
    }
    IPAddress range = Addresses.parse(pool.ipRange()).map(IPAddress::toPrefixBlock).orElse(null);
    if (range != null && range.contains(address)) {
      warnings.add(
          "StaticAddressInIpRange: "
              + text
              + " is inside the dynamic range "
              + pool.ipRange()
              + " of network "
              + name
              + "; Docker may give it to another container while this one is stopped, and this"
              + " container then fails to start (keep static addresses outside ipRange)");
    }
    return null;
  }

  /** Docker's predefined {@code bridge} network (docker0), not a user-defined one. */
  static boolean isDefaultBridge(NetworkInfo network) {
    return DesiredEndpoint.DEFAULT_BRIDGE.equals(network.name())
        && "bridge".equals(network.driver())
        && (network.labels() == null || !network.labels().containsKey(Keys.DOCKER_MANAGED_BY));
  }

  private static Optional<Verdict> refuse(AttachmentReason reason, String message) {
    return Optional.of(refusal(reason, message));
  }

  private static Verdict refusal(AttachmentReason reason, String message) {
    return new Verdict(reason, message, List.of());
  }
}
