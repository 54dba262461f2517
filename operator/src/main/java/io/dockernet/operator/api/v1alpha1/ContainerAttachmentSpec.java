package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Map;

/** How a container joins a network (`docker network connect`). */
@JsonClassDescription(
    "Which container joins which DockerNetwork, and with which endpoint settings (`docker"
        + " network connect`).")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerAttachmentSpec {

  @JsonPropertyDescription("Name or ID of an existing container on the node.")
  @Required
  @Size(min = 1, max = 128)
  @Pattern("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
  public String container;

  @JsonPropertyDescription("Name of the DockerNetwork object to connect to.")
  @Required
  @Size(min = 1, max = 253)
  public String network;

  @JsonPropertyDescription(
      "Static IPv4 address (`--ip`). Must be inside a subnet of the network, not its gateway,"
          + " network or broadcast address, and preferably outside its ipRange.")
  @Size(max = 15)
  @ValidationRule(
      value = "isIP(self) && ip(self).family() == 4",
      message = "ipv4Address must be an IPv4 address such as 172.18.0.10")
  public String ipv4Address;

  @JsonPropertyDescription("Static IPv6 address (`--ip6`).")
  @Size(max = 45)
  @ValidationRule(
      value = "isIP(self) && ip(self).family() == 6",
      message = "ipv6Address must be an IPv6 address such as fd00:1::10")
  public String ipv6Address;

  @JsonPropertyDescription("Network-scoped aliases (`--alias`).")
  @Size(max = 32)
  @ValidationRule(
      value = "self.all(a, size(a) <= 253)",
      message = "aliases are at most 253 characters")
  public List<@Size(max = 253) String> aliases;

  @JsonPropertyDescription("Links to other containers, as container:alias (`--link`).")
  @Size(max = 32)
  @ValidationRule(
      value = "self.all(l, size(l) <= 256)",
      message = "links are at most 256 characters")
  public List<@Size(max = 256) String> links;

  @JsonPropertyDescription("MAC address of the endpoint, e.g. 02:42:ac:12:00:0a.")
  @Pattern("^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$")
  public String macAddress;

  @JsonPropertyDescription("Endpoint driver options (`--driver-opt`).")
  @Size(max = 32)
  public Map<String, @Size(max = 1024) String> driverOpts;

  @JsonPropertyDescription(
      "Which nodes to act on, by Node labels. Empty or unset: every node where the container"
          + " exists.")
  @SchemaFrom(type = NodeSelectorSchema.class)
  public LabelSelector nodeSelector;
}
