package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Map;

/** What the Docker network on each selected node must look like. */
@JsonClassDescription(
    "What the Docker network on each selected node must look like (`docker network create`).")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.enableIPv4) || self.enableIPv4 || (has(self.enableIPv6) && self.enableIPv6)",
    message =
        "enableIPv4: false needs enableIPv6: true (IPv4 or IPv6 must be enabled on a network)")
public class DockerNetworkSpec {

  @JsonPropertyDescription(
      "Name of the Docker network on each node (`docker network ls`). Defaults to the object's"
          + " name. Must not be one of Docker's predefined networks (bridge, host, none).")
  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
  @Size(min = 1, max = 128)
  @ValidationRule(
      value = "!(self in ['bridge', 'host', 'none', 'default'])",
      message = "networkName must not be one of Docker's predefined networks: bridge, host, none")
  public String networkName;

  @JsonPropertyDescription("Network driver: bridge (default), macvlan or ipvlan.")
  @Default("bridge")
  public NetworkDriver driver;

  @JsonPropertyDescription(
      "Driver options (`docker network create -o`), e.g."
          + " com.docker.network.bridge.name: docker1. Values are strings; \"false\" and false"
          + " compare equal. Options that only newer Engines know (bridge gateway modes"
          + " com.docker.network.bridge.gateway_mode_ipv4/ipv6: nat and routed need Engine 27.0,"
          + " nat-unprotected and isolated 28.0; trusted_host_interfaces 28.2) are refused per"
          + " node (UnsupportedByEngine) where the Engine would ignore them.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(k, size(k) <= 253)",
      message = "option keys are at most 253 characters")
  public Map<String, @Size(max = 1024) String> options;

  @JsonPropertyDescription("IP address management: pools, gateways and reserved addresses.")
  public IpamSpec ipam;

  @JsonPropertyDescription("Restrict external access to the network (`--internal`).")
  public Boolean internal;

  @JsonPropertyDescription(
      "Allow containers started outside swarm services to attach (`--attachable`).")
  public Boolean attachable;

  @JsonPropertyDescription("Enable IPv6 on the network (`--ipv6`).")
  public Boolean enableIPv6;

  @JsonPropertyDescription(
      "Enable IPv4 on the network (`--ipv4`, default true). false makes an IPv6-only network"
          + " (needs enableIPv6: true), which needs Docker Engine 28.0 (API 1.48): a node with an"
          + " older Engine reports UnsupportedByEngine and creates nothing.")
  public Boolean enableIPv4;

  @JsonPropertyDescription(
      "Labels set on the Docker network. Keys starting with io.dockernet. are reserved for the"
          + " operator.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(k, !k.startsWith('io.dockernet.') && size(k) <= 253)",
      message =
          "label keys starting with io.dockernet. are reserved; keys are at most 253"
              + " characters")
  public Map<String, @Size(max = 1024) String> labels;

  @JsonPropertyDescription(
      "Which nodes get the network, by Node labels. Empty or unset: every node running an"
          + " agent.")
  @SchemaFrom(type = NodeSelectorSchema.class)
  public LabelSelector nodeSelector;

  @JsonPropertyDescription(
      "What happens to the Docker network when this object is deleted or a node stops"
          + " matching: Delete (default) removes it, Orphan leaves it in place.")
  @Default("Delete")
  public DeletionPolicy deletionPolicy;

  @JsonPropertyDescription(
      "What to do when a same-named network exists that the operator did not create: Never"
          + " (default) reports a Conflict, IfMatches takes it over when its settings match the"
          + " spec, Recreate replaces it (reconnecting its containers).")
  @Default("Never")
  public AdoptionPolicy adoptionPolicy;

  @JsonPropertyDescription(
      "Docker networks cannot be changed in place. Auto (default) recreates the network and"
          + " reconnects every container exactly as before; Never reports the difference and"
          + " changes nothing.")
  @Default("Auto")
  public RecreatePolicy recreatePolicy;
}
