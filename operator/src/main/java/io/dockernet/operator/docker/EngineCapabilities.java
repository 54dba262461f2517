package io.dockernet.operator.docker;

import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.ip.Addresses;
import io.dockernet.operator.node.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What each Engine can do that older ones cannot, and a node's refusal when an object asks for more
 * than its Engine can. Older Engines do not refuse these themselves: they accept an unknown driver
 * option or request field and ignore it (20.10 and 26.1 create a dual-stack network when asked for
 * an IPv6-only one, and NAT a network asked to be routed), so the report would say Ready for
 * something that is not there. Pure: no I/O.
 *
 * <p>Versions are compared on the negotiated API version, which is what the daemon acts on: below
 * API 1.48 even Engine 28 ignores EnableIPv4, and every feature here is at most {@link
 * Engine#NEWEST_API}.
 */
public final class EngineCapabilities {

  /** The per-node reason for a refused feature. */
  public static final String UNSUPPORTED = "UnsupportedByEngine";

  static final String GATEWAY_MODE_IPV4 = "com.docker.network.bridge.gateway_mode_ipv4";
  static final String GATEWAY_MODE_IPV6 = "com.docker.network.bridge.gateway_mode_ipv6";
  static final String TRUSTED_HOST_INTERFACES = "com.docker.network.bridge.trusted_host_interfaces";
  static final String ENDPOINT_SYSCTLS = "com.docker.network.endpoint.sysctls";
  static final String ENDPOINT_IFNAME = "com.docker.network.endpoint.ifname";

  /** A feature and the first Engine (and its API version) that has it. */
  record Feature(String what, String engine, ApiVersion api) {
    String needs() {
      return what + " needs Docker Engine " + engine + " (API " + api + ")";
    }
  }

  static final Feature IPV6_ONLY =
      new Feature("an IPv6-only network (enableIPv4: false)", "28.0", new ApiVersion(1, 48));
  static final Feature GATEWAY_NAT_ROUTED =
      new Feature("bridge gateway mode %s (option %s)", "27.0", new ApiVersion(1, 46));
  static final Feature GATEWAY_UNPROTECTED_ISOLATED =
      new Feature("bridge gateway mode %s (option %s)", "28.0", new ApiVersion(1, 48));
  static final Feature TRUSTED_INTERFACES =
      new Feature("option " + TRUSTED_HOST_INTERFACES, "28.2", new ApiVersion(1, 50));
  static final Feature SYSCTLS =
      new Feature("endpoint driver option " + ENDPOINT_SYSCTLS, "27.0", new ApiVersion(1, 46));
  static final Feature IPV6_RANGE_64 =
      new Feature("an IPv6 ipRange of /64", "27.2", new ApiVersion(1, 47));
  static final Feature IPV6_RANGE_WIDER =
      new Feature("an IPv6 ipRange wider than /64", "28.0", new ApiVersion(1, 48));
  static final Feature IFNAME =
      new Feature("endpoint driver option " + ENDPOINT_IFNAME, "28.0", new ApiVersion(1, 48));

  private static final Set<String> NAT_ROUTED = Set.of("nat", "routed");
  private static final Set<String> UNPROTECTED_ISOLATED = Set.of("nat-unprotected", "isolated");

  private EngineCapabilities() {}

  /** The node's refusal of a network its Engine cannot create as asked, if it cannot. */
  public static Optional<Refusal> check(NetworkRequest request, Engine engine) {
    return refusal(missing(request, engine.api()), engine);
  }

  /** The node's refusal of an endpoint its Engine cannot make as asked, if it cannot. */
  public static Optional<Refusal> check(EndpointRequest request, Engine engine) {
    return refusal(missing(request, engine.api()), engine);
  }

  /** What the request asks for that API {@code api} lacks, one line per feature. */
  static List<String> missing(NetworkRequest request, ApiVersion api) {
    List<String> out = new ArrayList<>();
    if (Boolean.FALSE.equals(request.enableIpv4()) && !api.atLeast(IPV6_ONLY.api())) {
      out.add(IPV6_ONLY.needs());
    }
    wideIpv6Range(request, api).ifPresent(out::add);
    if ("bridge".equals(request.driver())) {
      Map<String, String> options = request.options() == null ? Map.of() : request.options();
      for (String key : List.of(GATEWAY_MODE_IPV4, GATEWAY_MODE_IPV6)) {
        String mode = options.get(key);
        Feature feature =
            mode == null
                ? null
                : NAT_ROUTED.contains(mode.trim())
                    ? GATEWAY_NAT_ROUTED
                    : UNPROTECTED_ISOLATED.contains(mode.trim())
                        ? GATEWAY_UNPROTECTED_ISOLATED
                        : null; // anything else: the Engine refuses it itself
        if (feature != null && !api.atLeast(feature.api())) {
          out.add(String.format(feature.needs(), mode.trim(), key));
        }
      }
      if (options.containsKey(TRUSTED_HOST_INTERFACES) && !api.atLeast(TRUSTED_INTERFACES.api())) {
        out.add(TRUSTED_INTERFACES.needs());
      }
    }
    return out;
  }

  /**
   * Engines before 27.2 cannot allocate from an IPv6 ipRange of 64 or more host bits (moby's bitmap
   * is 64 bits wide): creating the network fails with "invalid bit range [0,
   * 18446744073709551615]", or a container fails to start. 27.2 handles exactly /64, 28.0 any size
   * (moby/moby#48322, #49223).
   */
  private static Optional<String> wideIpv6Range(NetworkRequest request, ApiVersion api) {
    if (request.ipam() == null || request.ipam().pools() == null) {
      return Optional.empty();
    }
    for (var pool : request.ipam().pools()) {
      Integer prefix =
          Addresses.parse(pool.ipRange())
              .filter(a -> a.isIPv6())
              .map(a -> a.getNetworkPrefixLength())
              .orElse(null);
      if (prefix == null || prefix > 64) {
        continue;
      }
      Feature feature = prefix == 64 ? IPV6_RANGE_64 : IPV6_RANGE_WIDER;
      if (!api.atLeast(feature.api())) {
        return Optional.of(feature.needs() + " (ipRange " + pool.ipRange() + ")");
      }
    }
    return Optional.empty();
  }

  /** What the endpoint asks for that API {@code api} lacks, one line per feature. */
  static List<String> missing(EndpointRequest request, ApiVersion api) {
    List<String> out = new ArrayList<>();
    Map<String, String> opts = request.driverOpts() == null ? Map.of() : request.driverOpts();
    if (opts.containsKey(ENDPOINT_SYSCTLS) && !api.atLeast(SYSCTLS.api())) {
      out.add(SYSCTLS.needs());
    }
    if (opts.containsKey(ENDPOINT_IFNAME) && !api.atLeast(IFNAME.api())) {
      out.add(IFNAME.needs());
    }
    return out;
  }

  private static Optional<Refusal> refusal(List<String> missing, Engine engine) {
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            UNSUPPORTED,
            "this node runs Docker Engine "
                + engine
                + ", which cannot do what is asked (older Engines ignore some of it silently): "
                + String.join("; ", missing)));
  }
}
