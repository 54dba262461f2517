package io.dockernet.operator.network;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.ip.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares a desired network with what the daemon has, field by field, on canonical values and only
 * for fields the user set — so a spec applied twice, or a daemon that filled in a gateway or an
 * IPv6 pool of its own, never looks like a change. Pure: no I/O.
 */
public final class NetworkDifferences {

  private NetworkDifferences() {}

  /**
   * The settings that differ, one readable line each; empty when the network matches.
   *
   * @param createdByUs when true, option and label keys the spec no longer has count as differences
   *     too (we created the network with exactly our keys, so extras are stale)
   */
  public static List<String> between(
      DockerNetworkSpec spec, NetworkRequest desired, NetworkInfo actual, boolean createdByUs) {
    List<String> out = new ArrayList<>();
    if (!desired.driver().equals(actual.driver())) {
      out.add(diff("driver", desired.driver(), actual.driver()));
    }
    compareMap("option", desired.options(), actual.options(), createdByUs, Set.of(), out);
    compareMap("label", userLabels(desired), actual.labels(), createdByUs, ownLabels(), out);
    if (spec.internal != null && spec.internal != actual.internal()) {
      out.add(diff("internal", spec.internal, actual.internal()));
    }
    if (spec.attachable != null && spec.attachable != actual.attachable()) {
      out.add(diff("attachable", spec.attachable, actual.attachable()));
    }
    if (spec.enableIPv6 != null && spec.enableIPv6 != actual.enableIpv6()) {
      out.add(diff("enableIPv6", spec.enableIPv6, actual.enableIpv6()));
    }
    // Engines before 28 do not report EnableIPv4 (every network has IPv4): inspect reads true.
    if (spec.enableIPv4 != null && spec.enableIPv4 != actual.enableIpv4()) {
      out.add(diff("enableIPv4", spec.enableIPv4, actual.enableIpv4()));
    }
    if (desired.ipam() != null) {
      compareIpam(desired, actual, createdByUs, out);
    }
    return out;
  }

  private static void compareIpam(
      NetworkRequest desired, NetworkInfo actual, boolean createdByUs, List<String> out) {
    var want = desired.ipam();
    var have = actual.ipam();
    String haveDriver = have == null || have.driver() == null ? "default" : have.driver();
    if (want.driver() != null && !want.driver().equals(haveDriver)) {
      out.add(diff("ipam.driver", want.driver(), haveDriver));
    }
    compareMap(
        "ipam option",
        want.options(),
        have == null ? Map.of() : have.options(),
        createdByUs,
        Set.of(),
        out);
    if (want.pools().isEmpty()) {
      return;
    }
    List<IpamPool> havePools = have == null || have.pools() == null ? List.of() : have.pools();
    // Only families the user declared: a daemon may add an IPv6 pool of its own. And only families
    // the network has: a pool of a disabled family is inert, and newer Engines leave it out of
    // inspect (Engine 29 hides IPv6 pools of a network without IPv6).
    Set<Boolean> families =
        want.pools().stream()
            .map(p -> Addresses.isIpv6(p.subnet()))
            .filter(v6 -> v6 ? actual.enableIpv6() : actual.enableIpv4())
            .collect(Collectors.toSet());
    Set<String> wantKeys = new TreeSet<>();
    want.pools().stream()
        .filter(p -> families.contains(Addresses.isIpv6(p.subnet())))
        .forEach(p -> wantKeys.add(poolKey(p, p)));
    Set<String> haveKeys = new TreeSet<>();
    for (IpamPool h : havePools) {
      if (!families.contains(Addresses.isIpv6(h.subnet()))) {
        continue;
      }
      IpamPool asked =
          want.pools().stream()
              .filter(
                  w ->
                      Addresses.canonicalSubnet(w.subnet())
                          .equals(Addresses.canonicalSubnet(h.subnet())))
              .findFirst()
              .orElse(null);
      haveKeys.add(poolKey(h, asked));
    }
    if (!wantKeys.equals(haveKeys)) {
      out.add(diff("ipam.config", String.join(", ", wantKeys), String.join(", ", haveKeys)));
    }
  }

  /**
   * A pool rendered for comparison. Fields the user left unset in {@code asked} are left out, so a
   * gateway the daemon picked itself is not a difference.
   */
  private static String poolKey(IpamPool pool, IpamPool asked) {
    StringBuilder key = new StringBuilder("subnet=" + Addresses.canonicalSubnet(pool.subnet()));
    if (asked != null && asked.gateway() != null) {
      key.append(" gateway=").append(canonical(pool.gateway()));
    }
    if (asked != null && asked.ipRange() != null) {
      key.append(" ipRange=")
          .append(pool.ipRange() == null ? "" : Addresses.canonicalSubnet(pool.ipRange()));
    }
    if (asked != null && asked.auxAddresses() != null && !asked.auxAddresses().isEmpty()) {
      Map<String, String> aux = pool.auxAddresses() == null ? Map.of() : pool.auxAddresses();
      key.append(" aux=")
          .append(
              aux.entrySet().stream()
                  .sorted(Map.Entry.comparingByKey())
                  .map(e -> e.getKey() + ":" + canonical(e.getValue()))
                  .collect(Collectors.joining(",")));
    }
    return key.toString();
  }

  private static String canonical(String address) {
    return address == null ? "" : Addresses.canonicalAddress(address);
  }

  private static void compareMap(
      String what,
      Map<String, String> want,
      Map<String, String> have,
      boolean extrasCount,
      Set<String> ignored,
      List<String> out) {
    Map<String, String> actual = have == null ? Map.of() : have;
    want.forEach(
        (k, v) -> {
          if (!sameValue(v, actual.get(k))) {
            out.add(diff(what + " " + k, v, actual.get(k)));
          }
        });
    if (extrasCount) {
      actual.keySet().stream()
          .filter(k -> !want.containsKey(k) && !ignored.contains(k))
          .sorted()
          .forEach(k -> out.add(diff(what + " " + k, null, actual.get(k))));
    }
  }

  /** "false" and "False" (and true) mean the same to Docker; everything else compares as text. */
  static boolean sameValue(String want, String have) {
    if (want == null || have == null) {
      return Objects.equals(want, have);
    }
    if (isBoolean(want) && isBoolean(have)) {
      return want.equalsIgnoreCase(have);
    }
    return want.trim().equals(have.trim());
  }

  private static boolean isBoolean(String s) {
    return "true".equalsIgnoreCase(s.trim()) || "false".equalsIgnoreCase(s.trim());
  }

  private static Map<String, String> userLabels(NetworkRequest desired) {
    return desired.labels().entrySet().stream()
        .filter(e -> !ownLabels().contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static Set<String> ownLabels() {
    return Set.of(
        Keys.DOCKER_MANAGED_BY,
        Keys.DOCKER_OWNER_UID,
        Keys.DOCKER_OWNER_NAME,
        Keys.DOCKER_SPEC_HASH);
  }

  private static String diff(String field, Object want, Object have) {
    return field
        + ": want "
        + (want == null ? "unset" : want)
        + ", have "
        + (have == null ? "unset" : have);
  }
}
