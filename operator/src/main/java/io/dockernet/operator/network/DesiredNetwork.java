package io.dockernet.operator.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dockernet.operator.Hashes;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.NetworkDriver;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.ip.Addresses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The Docker network a DockerNetwork asks for. Pure: no I/O.
 *
 * <p>Addresses are sent as the user wrote them: the canonical form ({@link Addresses}) serves
 * comparing and the spec hash only, so a subnet with host bits is refused ({@link
 * NetworkPreflight}) rather than quietly masked.
 */
public final class DesiredNetwork {

  private static final ObjectMapper CANONICAL_JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private DesiredNetwork() {}

  /** The create request for this object, labelled as ours, addresses as written. */
  public static NetworkRequest from(DockerNetwork network) {
    DockerNetworkSpec spec = specOf(network);
    Map<String, String> labels = new TreeMap<>(sorted(spec.labels));
    labels.put(Keys.DOCKER_MANAGED_BY, Keys.DOCKER_MANAGED_BY_VALUE);
    labels.put(Keys.DOCKER_OWNER_UID, network.getMetadata().getUid());
    labels.put(Keys.DOCKER_OWNER_NAME, network.getMetadata().getName());
    labels.put(Keys.DOCKER_SPEC_HASH, hash(request(network, spec, true)));
    NetworkRequest asWritten = request(network, spec, false);
    return new NetworkRequest(
        asWritten.name(),
        asWritten.driver(),
        asWritten.options(),
        asWritten.ipam(),
        asWritten.internal(),
        asWritten.attachable(),
        asWritten.enableIpv6(),
        labels,
        asWritten.enableIpv4());
  }

  /** The request without our labels; addresses canonical (for the hash) or as written. */
  private static NetworkRequest request(
      DockerNetwork network, DockerNetworkSpec spec, boolean canonical) {
    return new NetworkRequest(
        network.dockerName(),
        (spec.driver == null ? NetworkDriver.BRIDGE : spec.driver).dockerName(),
        sorted(spec.options),
        ipamOf(spec, canonical),
        Boolean.TRUE.equals(spec.internal),
        Boolean.TRUE.equals(spec.attachable),
        Boolean.TRUE.equals(spec.enableIPv6),
        sorted(spec.labels),
        spec.enableIPv4);
  }

  /** The spec, never null (an object without spec means all defaults). */
  public static DockerNetworkSpec specOf(DockerNetwork network) {
    return network.getSpec() == null ? new DockerNetworkSpec() : network.getSpec();
  }

  private static Ipam ipamOf(DockerNetworkSpec spec, boolean canonical) {
    if (spec.ipam == null) {
      return null;
    }
    List<IpamPool> pools =
        spec.ipam.config == null
            ? List.of()
            : spec.ipam.config.stream().map(p -> poolOf(p, canonical)).toList();
    return new Ipam(spec.ipam.driver, sorted(spec.ipam.options), pools);
  }

  private static IpamPool poolOf(IpamPoolSpec pool, boolean canonical) {
    UnaryOperator<String> cidr = canonical ? Addresses::canonicalSubnet : String::trim;
    UnaryOperator<String> address = canonical ? Addresses::canonicalAddress : String::trim;
    Map<String, String> aux = new TreeMap<>();
    if (pool.auxAddresses != null) {
      pool.auxAddresses.forEach((k, v) -> aux.put(k, address.apply(v)));
    }
    return new IpamPool(
        cidr.apply(pool.subnet),
        pool.gateway == null ? null : address.apply(pool.gateway),
        pool.ipRange == null ? null : cidr.apply(pool.ipRange),
        aux);
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return map == null ? Map.of() : new TreeMap<>(map);
  }

  /**
   * A short, stable hash of what was asked for (label values are at most 63 characters). Fields
   * added to the request later are left out while unset, so that networks made before keep their
   * hash: ContainerAttachments wait while a network's hash differs from its object's.
   */
  static String hash(NetworkRequest request) {
    try {
      ObjectNode tree = CANONICAL_JSON.valueToTree(request);
      if (request.enableIpv4() == null) {
        tree.remove("enableIpv4");
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("request", tree);
      return Hashes.sha256Hex(CANONICAL_JSON.writeValueAsBytes(fields), 8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot hash a network request", e);
    }
  }
}
