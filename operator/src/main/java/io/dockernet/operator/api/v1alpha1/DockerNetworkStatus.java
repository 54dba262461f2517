package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Summary over all selected nodes, written only by the controller role. */
@JsonClassDescription(
    "How the network stands on the nodes, summarised by the controller from every node's"
        + " report (kubectl get dockernetworknodestates -l dockernet.io/docker-network=NAME).")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerNetworkStatus {

  @JsonPropertyDescription(
      "The generation this summary describes; 0 until the controller has looked at the object,"
          + " so that tools comparing it with metadata.generation wait.")
  public Long observedGeneration;

  @JsonPropertyDescription("The Docker network name in effect.")
  public String networkName;

  @JsonPropertyDescription("Nodes whose report is Ready for the current generation.")
  public Integer readyNodes;

  @JsonPropertyDescription(
      "Nodes that should have the network: selected by nodeSelector and running a live agent.")
  public Integer desiredNodes;

  @JsonPropertyDescription("readyNodes/desiredNodes, e.g. 2/3.")
  public String ready;

  @JsonPropertyDescription(
      "Ready (every desired node has the network as specified), Reconciling (work towards the"
          + " current generation is under way), Stalled (a node refused the spec: retrying will"
          + " not help until something changes), Degraded (some node reports a problem) and"
          + " Warning (something needs attention but does not hold Ready back).")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Nodes nodeSelector selects where no agent is alive (no heartbeat): they are left out of"
          + " desiredNodes, and the Warning condition names them.")
  public List<String> nodesWithoutAgent;

  @JsonPropertyDescription(
      "One line per node that reported (details: kubectl get dockernetworknodestates -l"
          + " dockernet.io/docker-network=NAME).")
  public List<NodeReport> nodes = new ArrayList<>();
}
