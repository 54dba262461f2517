package io.dockernet.operator.network;

import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.Engine;
import io.dockernet.operator.docker.EngineCapabilities;
import io.dockernet.operator.ip.Addresses;
import io.dockernet.operator.node.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a node refuses before it touches Docker for a network: the same on every Engine. Pure: no
 * I/O.
 *
 * <ul>
 *   <li>{@link NetworkReason#InvalidSubnet}: a subnet or ipRange with host bits ({@code
 *       198.18.37.5/24}). Engine 25 and newer refuse it ("invalid subnet 198.18.37.5/24: it should
 *       be 198.18.37.0/24"), 20.10 stores it as written; admission refuses it with the same words,
 *       so this catches only objects stored before that rule. The canonical form is never sent in
 *       its place: a typo is not fixed behind the user's back.
 *   <li>{@link EngineCapabilities#UNSUPPORTED}: a feature the node's Engine lacks.
 * </ul>
 */
public final class NetworkPreflight {

  private NetworkPreflight() {}

  /** The node's refusal of {@code request}, if it refuses it. */
  public static Optional<Refusal> check(NetworkRequest request, Engine engine) {
    List<String> hostBits = hostBits(request);
    if (!hostBits.isEmpty()) {
      return Optional.of(new Refusal(NetworkReason.InvalidSubnet, String.join("; ", hostBits)));
    }
    return EngineCapabilities.check(request, engine);
  }

  /** The Engine's own words for each subnet or ipRange with host bits. */
  static List<String> hostBits(NetworkRequest request) {
    List<String> out = new ArrayList<>();
    if (request.ipam() == null || request.ipam().pools() == null) {
      return out;
    }
    for (IpamPool pool : request.ipam().pools()) {
      hostBitsOf("subnet", pool.subnet()).ifPresent(out::add);
      hostBitsOf("ip-range", pool.ipRange()).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<String> hostBitsOf(String what, String cidr) {
    if (cidr == null) {
      return Optional.empty();
    }
    return Addresses.parse(cidr)
        .filter(a -> a.getNetworkPrefixLength() != null)
        // getLower: a CIDR without host bits parses as the whole block
        .filter(a -> !a.getLower().equals(a.toPrefixBlock().getLower()))
        // As the Engine prints them, both parsed: FD00:0:0:1::0D39/64 reads fd00:0:0:1::d39/64.
        .map(
            a ->
                "invalid "
                    + what
                    + " "
                    + a.withoutPrefixLength().toCanonicalString()
                    + "/"
                    + a.getNetworkPrefixLength()
                    + ": it should be "
                    + a.toPrefixBlock().toCanonicalString());
  }
}
