package io.dockernet.operator.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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

/** The Docker network a DockerNetwork asks for, in canonical form. Pure: no I/O. */
public final class DesiredNetwork {

  private static final ObjectMapper CANONICAL_JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private DesiredNetwork() {}

  /** The create request for this object, labelled as ours, with canonical addresses. */
  public static NetworkRequest from(DockerNetwork network) {
    DockerNetworkSpec spec = specOf(network);
    NetworkRequest unlabelled =
        new NetworkRequest(
            network.dockerName(),
            (spec.driver == null ? NetworkDriver.BRIDGE : spec.driver).dockerName(),
            sorted(spec.options),
            ipamOf(spec),
            Boolean.TRUE.equals(spec.internal),
            Boolean.TRUE.equals(spec.attachable),
            Boolean.TRUE.equals(spec.enableIPv6),
            sorted(spec.labels));
    Map<String, String> labels = new TreeMap<>(unlabelled.labels());
    labels.put(Keys.DOCKER_MANAGED_BY, Keys.DOCKER_MANAGED_BY_VALUE);
    labels.put(Keys.DOCKER_OWNER_UID, network.getMetadata().getUid());
    labels.put(Keys.DOCKER_OWNER_NAME, network.getMetadata().getName());
    labels.put(Keys.DOCKER_SPEC_HASH, hash(unlabelled));
    return new NetworkRequest(
        unlabelled.name(),
        unlabelled.driver(),
        unlabelled.options(),
        unlabelled.ipam(),
        unlabelled.internal(),
        unlabelled.attachable(),
        unlabelled.enableIpv6(),
        labels);
  }

  /** The spec, never null (an object without spec means all defaults). */
  public static DockerNetworkSpec specOf(DockerNetwork network) {
    return network.getSpec() == null ? new DockerNetworkSpec() : network.getSpec();
  }

  private static Ipam ipamOf(DockerNetworkSpec spec) {
    if (spec.ipam == null) {
      return null;
    }
    List<IpamPool> pools =
        spec.ipam.config == null
            ? List.of()
            : spec.ipam.config.stream().map(DesiredNetwork::poolOf).toList();
    return new Ipam(spec.ipam.driver, sorted(spec.ipam.options), pools);
  }

  private static IpamPool poolOf(IpamPoolSpec pool) {
    Map<String, String> aux = new TreeMap<>();
    if (pool.auxAddresses != null) {
      pool.auxAddresses.forEach((k, v) -> aux.put(k, Addresses.canonicalAddress(v)));
    }
    return new IpamPool(
        Addresses.canonicalSubnet(pool.subnet),
        pool.gateway == null ? null : Addresses.canonicalAddress(pool.gateway),
        pool.ipRange == null ? null : Addresses.canonicalSubnet(pool.ipRange),
        aux);
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return map == null ? Map.of() : new TreeMap<>(map);
  }

  /** A short, stable hash of what was asked for (label values are at most 63 characters). */
  static String hash(NetworkRequest request) {
    try {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("request", request);
      return Hashes.sha256Hex(CANONICAL_JSON.writeValueAsBytes(fields), 8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot hash a network request", e);
    }
  }
}
