package io.dockernet.operator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerGateway.PublishedPort;
import io.dockernet.operator.docker.Overview.ListedContainer;
import io.dockernet.operator.docker.Overview.ListedEndpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Engine API JSON (1.41 to 1.51: the fields used here mean the same in each) for the calls whose
 * fields docker-java's model lacks (IPAM aux addresses and options, endpoint driver options and
 * link-local IPs, EnableIPv4). Written against Docker's JSON rather than docker-java's classes so
 * that no field is silently dropped on the way in or out.
 *
 * <p>Normalisation, the same as {@link FakeDockerGateway}'s: a string Docker reports as {@code ""}
 * becomes {@code null}; a missing list or map becomes empty.
 */
final class DockerJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private DockerJson() {}

  /** Body of {@code POST /networks/create}. */
  static ObjectNode networkCreateBody(NetworkRequest request) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("Name", request.name());
    // Without CheckDuplicate, API 1.41 happily creates a second network with the same name.
    body.put("CheckDuplicate", true);
    putIfSet(body, "Driver", request.driver());
    putIfNotEmpty(body, "Options", request.options());
    if (request.ipam() != null) {
      body.set("IPAM", ipamBody(request.ipam()));
    }
    body.put("Internal", request.internal());
    body.put("Attachable", request.attachable());
    body.put("EnableIPv6", request.enableIpv6());
    if (request.enableIpv4() != null) {
      // Ignored below API 1.48: capability checks refuse it there before anything is sent.
      body.put("EnableIPv4", request.enableIpv4());
    }
    putIfNotEmpty(body, "Labels", request.labels());
    return body;
  }

  private static ObjectNode ipamBody(Ipam ipam) {
    ObjectNode body = MAPPER.createObjectNode();
    putIfSet(body, "Driver", ipam.driver());
    putIfNotEmpty(body, "Options", ipam.options());
    ArrayNode config = body.putArray("Config");
    for (IpamPool pool : nullToEmpty(ipam.pools())) {
      ObjectNode entry = config.addObject();
      putIfSet(entry, "Subnet", pool.subnet());
      putIfSet(entry, "IPRange", pool.ipRange());
      putIfSet(entry, "Gateway", pool.gateway());
      putIfNotEmpty(entry, "AuxiliaryAddresses", pool.auxAddresses());
    }
    return body;
  }

  /** Body of {@code POST /networks/{id}/connect}. */
  static ObjectNode connectBody(String containerId, EndpointRequest endpoint) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("Container", containerId);
    ObjectNode config = body.putObject("EndpointConfig");
    if (endpoint == null) {
      return body;
    }
    if (endpoint.ipv4Address() != null
        || endpoint.ipv6Address() != null
        || !nullToEmpty(endpoint.linkLocalIps()).isEmpty()) {
      ObjectNode ipam = config.putObject("IPAMConfig");
      putIfSet(ipam, "IPv4Address", endpoint.ipv4Address());
      putIfSet(ipam, "IPv6Address", endpoint.ipv6Address());
      putIfNotEmpty(ipam, "LinkLocalIPs", endpoint.linkLocalIps());
    }
    putIfNotEmpty(config, "Aliases", endpoint.aliases());
    putIfNotEmpty(config, "Links", endpoint.links());
    putIfSet(config, "MacAddress", endpoint.macAddress());
    putIfNotEmpty(config, "DriverOpts", endpoint.driverOpts());
    return body;
  }

  /** A network from {@code GET /networks/{id}} (the list endpoint leaves "Containers" empty). */
  static NetworkInfo networkInfo(JsonNode network) {
    List<NetworkEndpoint> endpoints = new ArrayList<>();
    network
        .path("Containers")
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode endpoint = entry.getValue();
              endpoints.add(
                  new NetworkEndpoint(
                      entry.getKey(),
                      text(endpoint, "Name"),
                      text(endpoint, "EndpointID"),
                      text(endpoint, "MacAddress"),
                      text(endpoint, "IPv4Address"),
                      text(endpoint, "IPv6Address")));
            });
    endpoints.sort(Comparator.comparing(NetworkEndpoint::containerId));
    return new NetworkInfo(
        text(network, "Id"),
        text(network, "Name"),
        text(network, "Driver"),
        stringMap(network.path("Options")),
        ipam(network.path("IPAM")),
        network.path("Internal").asBoolean(),
        network.path("Attachable").asBoolean(),
        network.path("EnableIPv6").asBoolean(),
        stringMap(network.path("Labels")),
        List.copyOf(endpoints),
        // Reported since Engine 28; a network of an older Engine always has IPv4.
        network.path("EnableIPv4").asBoolean(true));
  }

  private static Ipam ipam(JsonNode ipam) {
    List<IpamPool> pools = new ArrayList<>();
    for (JsonNode pool : ipam.path("Config")) {
      pools.add(
          new IpamPool(
              text(pool, "Subnet"),
              text(pool, "Gateway"),
              text(pool, "IPRange"),
              stringMap(pool.path("AuxiliaryAddresses"))));
    }
    return new Ipam(text(ipam, "Driver"), stringMap(ipam.path("Options")), List.copyOf(pools));
  }

  /** A container from {@code GET /containers/{id}/json}. */
  static ContainerInfo containerInfo(JsonNode container) {
    String id = text(container, "Id");
    String name = text(container, "Name");
    Map<String, ContainerEndpoint> networks = new LinkedHashMap<>();
    container
        .path("NetworkSettings")
        .path("Networks")
        .fields()
        .forEachRemaining(e -> networks.put(e.getKey(), containerEndpoint(e.getValue(), id)));
    JsonNode state = container.path("State");
    return new ContainerInfo(
        id,
        name != null && name.startsWith("/") ? name.substring(1) : name,
        state.path("Running").asBoolean(),
        state.path("Pid").asInt(),
        text(container.path("HostConfig"), "NetworkMode"),
        stringMap(container.path("Config").path("Labels")),
        Collections.unmodifiableMap(networks),
        publishedPorts(container.path("NetworkSettings").path("Ports")));
  }

  /** One entry of {@code GET /containers/json}: its first name is the container's own. */
  static ListedContainer listedContainer(JsonNode container) {
    String name = container.path("Names").path(0).asText("");
    Map<String, ListedEndpoint> endpoints = new HashMap<>();
    container
        .path("NetworkSettings")
        .path("Networks")
        .fields()
        .forEachRemaining(
            e ->
                endpoints.put(
                    e.getKey(),
                    new ListedEndpoint(
                        text(e.getValue(), "NetworkID"),
                        text(e.getValue(), "EndpointID"),
                        text(e.getValue(), "IPAddress"))));
    return new ListedContainer(
        text(container, "Id"), name.startsWith("/") ? name.substring(1) : name, endpoints);
  }

  private static ContainerEndpoint containerEndpoint(JsonNode endpoint, String containerId) {
    JsonNode ipamConfig = endpoint.path("IPAMConfig");
    // Engine < 25 adds the container's short ID to every user-defined network's aliases; it was
    // never asked for, so reporting it would make a configured endpoint look different forever.
    String shortId = containerId == null ? "" : DockerGateway.shortId(containerId);
    List<String> aliases =
        stringList(endpoint.path("Aliases")).stream().filter(a -> !a.equals(shortId)).toList();
    return new ContainerEndpoint(
        text(endpoint, "NetworkID"),
        text(endpoint, "EndpointID"),
        text(ipamConfig, "IPv4Address"),
        text(ipamConfig, "IPv6Address"),
        stringList(ipamConfig.path("LinkLocalIPs")),
        aliases,
        stringList(endpoint.path("Links")),
        stringMap(endpoint.path("DriverOpts")),
        text(endpoint, "MacAddress"),
        text(endpoint, "IPAddress"),
        endpoint.path("IPPrefixLen").asInt(),
        text(endpoint, "GlobalIPv6Address"),
        endpoint.path("GlobalIPv6PrefixLen").asInt(),
        text(endpoint, "Gateway"),
        text(endpoint, "IPv6Gateway"));
  }

  /** {@code "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}; null when only exposed. */
  private static List<PublishedPort> publishedPorts(JsonNode ports) {
    List<PublishedPort> result = new ArrayList<>();
    ports
        .fields()
        .forEachRemaining(
            entry -> {
              String[] portAndProtocol = entry.getKey().split("/", 2);
              int containerPort = Integer.parseInt(portAndProtocol[0]);
              String protocol = portAndProtocol.length > 1 ? portAndProtocol[1] : "tcp";
              if (!entry.getValue().isArray() || entry.getValue().isEmpty()) {
                result.add(new PublishedPort(containerPort, protocol, null, null));
                return;
              }
              for (JsonNode binding : entry.getValue()) {
                String hostPort = text(binding, "HostPort");
                result.add(
                    new PublishedPort(
                        containerPort,
                        protocol,
                        text(binding, "HostIp"),
                        hostPort == null ? null : Integer.valueOf(hostPort)));
              }
            });
    return List.copyOf(result);
  }

  /** A string field; null when it is missing, null or empty. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    String text = value.asText();
    return text.isEmpty() ? null : text;
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return Collections.unmodifiableMap(map);
  }

  private static List<String> stringList(JsonNode node) {
    List<String> list = new ArrayList<>();
    node.forEach(value -> list.add(value.asText()));
    return List.copyOf(list);
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null && !value.isEmpty()) {
      node.put(field, value);
    }
  }

  private static void putIfNotEmpty(ObjectNode node, String field, Map<String, String> map) {
    if (map != null && !map.isEmpty()) {
      ObjectNode object = node.putObject(field);
      map.forEach(object::put);
    }
  }

  private static void putIfNotEmpty(ObjectNode node, String field, List<String> list) {
    if (list != null && !list.isEmpty()) {
      ArrayNode array = node.putArray(field);
      list.forEach(array::add);
    }
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
