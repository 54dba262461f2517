package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Summary over all selected nodes, written only by the controller role. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerNetworkStatus {

  @JsonPropertyDescription("The generation this summary describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("The Docker network name in effect.")
  public String networkName;

  @JsonPropertyDescription("Nodes whose report is Ready for the current generation.")
  public Integer readyNodes;

  @JsonPropertyDescription("Nodes selected by nodeSelector.")
  public Integer desiredNodes;

  @JsonPropertyDescription("readyNodes/desiredNodes, e.g. 2/3.")
  public String ready;

  @JsonPropertyDescription("Ready and Degraded conditions.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "One line per node that reported (details: kubectl get dockernetworknodestates -l"
          + " dockernet.io/docker-network=NAME).")
  public List<NodeReport> nodes = new ArrayList<>();
}
