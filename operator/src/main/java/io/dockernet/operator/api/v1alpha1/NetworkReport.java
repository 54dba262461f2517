package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What one node's Docker daemon has for one DockerNetwork (`docker network inspect`). */
@JsonClassDescription(
    "What this node's Docker daemon has for the DockerNetwork, as its agent saw it.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkReport extends NodeReport {

  @JsonPropertyDescription("The DockerNetwork this report belongs to.")
  public String dockerNetwork;

  @JsonPropertyDescription("The Docker network name.")
  public String networkName;

  @JsonPropertyDescription("The Docker network ID on this node.")
  public String networkId;

  @JsonPropertyDescription(
      "True when the network was not created by the operator but taken over (adoptionPolicy).")
  public Boolean adopted;

  @JsonPropertyDescription(
      "The deletionPolicy this node last acted under. Should the DockerNetwork be deleted without"
          + " this node's release (its finalizer removed by hand), the agent removes the network"
          + " under this policy.")
  public DeletionPolicy deletionPolicy;

  @JsonPropertyDescription("Driver in effect.")
  public String driver;

  @JsonPropertyDescription("Subnets in effect (including ones Docker picked).")
  public List<String> subnets;

  @JsonPropertyDescription("Gateways in effect.")
  public List<String> gateways;

  @JsonPropertyDescription("The Linux bridge backing a bridge network (what `brctl show` lists).")
  public String bridge;

  @JsonPropertyDescription(
      "Settings that differ from the spec and were not applied (recreatePolicy Never, or a"
          + " conflicting network).")
  public List<String> differences;

  @JsonPropertyDescription("Containers connected to the network on this node.")
  public List<String> containers;

  @JsonPropertyDescription(
      "What a recreate would do on this node (recreatePolicy Never, or a refused change): which"
          + " endpoints would be disconnected and put back, and which containers are not managed"
          + " by the operator. Review it, then allow the change.")
  public List<String> plan;

  @JsonPropertyDescription(
      "A network replacement in progress on this node: written before the first endpoint is"
          + " disconnected, cleared once every endpoint is back or known lost.")
  public NetworkJournal journal;

  @JsonPropertyDescription(
      "The generation whose change Docker refused on this node; the network was put back as it"
          + " was. It is not tried again until the spec changes.")
  public Long refusedGeneration;
}
