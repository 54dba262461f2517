package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Summary over the nodes that reported, written only by the controller role. */
@JsonClassDescription(
    "How the attachment stands on the nodes, summarised by the controller from every node's"
        + " report (kubectl get containerattachmentnodestates -l"
        + " dockernet.io/container-attachment=NAME).")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerAttachmentStatus {

  @JsonPropertyDescription(
      "The generation this summary describes; 0 until the controller has looked at the object,"
          + " so that tools comparing it with metadata.generation wait.")
  public Long observedGeneration;

  @JsonPropertyDescription("Nodes where the container is attached as specified.")
  public Integer readyNodes;

  @JsonPropertyDescription(
      "Nodes with a live agent that reported on this attachment (the container exists there).")
  public Integer reportingNodes;

  @JsonPropertyDescription("readyNodes/reportingNodes, e.g. 1/1.")
  public String ready;

  @JsonPropertyDescription(
      "Ready (attached as specified on every reporting node), Reconciling (work towards the"
          + " current generation is under way), Stalled (a node refused the spec: retrying will"
          + " not help until something changes), Degraded (some node reports a problem) and"
          + " Warning (something needs attention but does not hold Ready back).")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Nodes nodeSelector selects where no agent is alive (no heartbeat), so nobody can tell"
          + " whether the container is there; the Warning condition names them.")
  public List<String> nodesWithoutAgent;

  @JsonPropertyDescription("One line per node that reported.")
  public List<NodeReport> nodes = new ArrayList<>();
}
