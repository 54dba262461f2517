package io.dockernet.operator.ip;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Optional;

/**
 * Canonical forms of IP addresses and CIDRs, so that values that mean the same thing compare equal
 * (172.18.0.5/24 and 172.18.0.0/24 as a subnet, fd00:0:0::1 and fd00::1).
 */
public final class Addresses {

  private Addresses() {}

  /** Parses an address or CIDR; empty when the text is neither. Never resolves host names. */
  public static Optional<IPAddress> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    return Optional.ofNullable(new IPAddressString(text.trim()).getAddress());
  }

  /** The canonical subnet (network address + prefix), or the text unchanged if it is no CIDR. */
  public static String canonicalSubnet(String cidr) {
    return parse(cidr)
        .filter(a -> a.getNetworkPrefixLength() != null)
        .map(a -> a.toPrefixBlock().toCanonicalString())
        .orElse(cidr);
  }

  /** The canonical address without prefix, or the text unchanged if it is no address. */
  public static String canonicalAddress(String address) {
    return parse(address).map(a -> a.withoutPrefixLength().toCanonicalString()).orElse(address);
  }

  /** True when {@code cidr} is a subnet that contains {@code address}. */
  public static boolean contains(String cidr, String address) {
    Optional<IPAddress> subnet = parse(cidr).filter(a -> a.getNetworkPrefixLength() != null);
    Optional<IPAddress> ip = parse(address).map(IPAddress::withoutPrefixLength);
    return subnet.isPresent()
        && ip.isPresent()
        && subnet.get().isIPv6() == ip.get().isIPv6()
        && subnet.get().toPrefixBlock().contains(ip.get());
  }

  /** True for an IPv6 address or CIDR. */
  public static boolean isIpv6(String text) {
    return parse(text).map(IPAddress::isIPv6).orElse(false);
  }
}
