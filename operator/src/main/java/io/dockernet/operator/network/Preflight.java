package io.dockernet.operator.network;

import inet.ipaddr.IPAddress;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.ip.Addresses;
import io.dockernet.operator.node.Refusal;
import java.util.List;
import java.util.Optional;

/**
 * What Docker would refuse about a network before it is asked, so that a replacement that cannot
 * succeed never disconnects anything: a bridge name or a pool another network on the node has.
 * Pure: no I/O.
 */
final class Preflight {

  private static final String BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";

  private Preflight() {}

  /**
   * @param others every network on the node
   * @param replacing the ID of the network about to be replaced (its bridge and pools may be
   *     reused), or null
   */
  static Optional<Refusal> check(
      NetworkRequest desired, List<NetworkInfo> others, String replacing) {
    List<NetworkInfo> rest = others.stream().filter(n -> !n.id().equals(replacing)).toList();
    return bridgeTaken(desired, rest).or(() -> poolTaken(desired, rest));
  }

  /**
   * Engine 20.10 checks bridge names among user-defined networks only: asked for {@code docker0},
   * it creates the network on the default bridge's device, and removing that network leaves the
   * default {@code bridge} network unusable until the daemon restarts. So the operator never asks.
   */
  private static Optional<Refusal> bridgeTaken(NetworkRequest desired, List<NetworkInfo> others) {
    String bridge = desired.options() == null ? null : desired.options().get(BRIDGE_NAME_OPTION);
    if (bridge == null || !"bridge".equals(desired.driver())) {
      return Optional.empty();
    }
    return others.stream()
        .filter(n -> bridge.equals(n.bridge()))
        .findFirst()
        .map(
            holder ->
                new Refusal(
                    NetworkReason.BridgeNameTaken,
                    "bridge name "
                        + bridge
                        + " is the bridge of Docker network "
                        + holder.name()
                        + " on this node; choose another com.docker.network.bridge.name"));
  }

  private static Optional<Refusal> poolTaken(NetworkRequest desired, List<NetworkInfo> others) {
    if (desired.ipam() == null || desired.ipam().pools() == null) {
      return Optional.empty();
    }
    for (IpamPool want : desired.ipam().pools()) {
      for (NetworkInfo other : others) {
        for (IpamPool have : poolsOf(other)) {
          if (overlap(want.subnet(), have.subnet())) {
            return Optional.of(
                new Refusal(
                    NetworkReason.PoolOverlap,
                    "subnet "
                        + want.subnet()
                        + " overlaps "
                        + have.subnet()
                        + " of Docker network "
                        + other.name()
                        + " on this node"));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static List<IpamPool> poolsOf(NetworkInfo n) {
    return n.ipam() == null || n.ipam().pools() == null ? List.of() : n.ipam().pools();
  }

  static boolean overlap(String a, String b) {
    Optional<IPAddress> x = Addresses.parse(a).filter(p -> p.getNetworkPrefixLength() != null);
    Optional<IPAddress> y = Addresses.parse(b).filter(p -> p.getNetworkPrefixLength() != null);
    if (x.isEmpty() || y.isEmpty() || x.get().isIPv6() != y.get().isIPv6()) {
      return false;
    }
    IPAddress p = x.get().toPrefixBlock();
    IPAddress q = y.get().toPrefixBlock();
    return p.contains(q.getLower()) || q.contains(p.getLower());
  }
}
