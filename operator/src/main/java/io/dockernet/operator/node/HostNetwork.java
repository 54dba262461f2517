package io.dockernet.operator.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The node's own interfaces and routes, as its kernel lists them in {@code /proc/<pid>/net} of a
 * process in the node's network namespace: no netlink, no entering namespaces. A connected route
 * stands for each address the node has on an interface, so the routes cover the node's own
 * addresses too.
 *
 * @param interfaces every interface name ({@code dev})
 * @param routes the main table's IPv4 routes ({@code route}) and the IPv6 routes ({@code
 *     ipv6_route}), default routes and loopback left out
 */
public record HostNetwork(Set<String> interfaces, List<Route> routes) {

  /**
   * One route of the node.
   *
   * @param cidr the destination, e.g. {@code 10.0.0.0/24}
   * @param device the interface it leaves by
   */
  public record Route(String cidr, String device) {}

  /** Reads {@code dev}, {@code route} and (when present) {@code ipv6_route} of {@code netDir}. */
  public static HostNetwork read(Path netDir) throws IOException {
    Set<String> interfaces = new LinkedHashSet<>();
    for (String line : lines(netDir.resolve("dev"))) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.contains("|")) {
        interfaces.add(line.substring(0, colon).trim());
      }
    }
    List<Route> routes = new ArrayList<>();
    List<String> v4 = lines(netDir.resolve("route"));
    for (String line : v4.subList(Math.min(1, v4.size()), v4.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 8) {
        int mask = Integer.bitCount((int) Long.parseLong(f[7], 16));
        if (mask > 0 && !f[0].equals("lo")) {
          routes.add(new Route(ipv4(f[1]) + "/" + mask, f[0]));
        }
      }
    }
    Path v6 = netDir.resolve("ipv6_route");
    if (Files.exists(v6)) {
      for (String line : lines(v6)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 10) {
          int prefix = Integer.parseInt(f[1], 16);
          if (prefix > 0 && !f[9].equals("lo") && !f[0].startsWith("ff")) {
            routes.add(new Route(ipv6(f[0]) + "/" + prefix, f[9]));
          }
        }
      }
    }
    return new HostNetwork(Set.copyOf(interfaces), List.copyOf(routes));
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.US_ASCII);
  }

  /** {@code /proc/net/route} prints an address as a host-order (little-endian) hex word. */
  static String ipv4(String hex) {
    long v = Long.parseLong(hex, 16);
    return (v & 0xff)
        + "."
        + ((v >> 8) & 0xff)
        + "."
        + ((v >> 16) & 0xff)
        + "."
        + ((v >> 24) & 0xff);
  }

  /** {@code /proc/net/ipv6_route} prints an address as 32 hex digits. */
  static String ipv6(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 32; i += 4) {
      if (i > 0) {
        out.append(':');
      }
      out.append(hex, i, i + 4);
    }
    return out.toString();
  }
}
