package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Summary over the nodes that reported, written only by the controller role. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerAttachmentStatus {

  @JsonPropertyDescription("The generation this summary describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Nodes where the container is attached as specified.")
  public Integer readyNodes;

  @JsonPropertyDescription("Nodes that reported on this attachment.")
  public Integer reportingNodes;

  @JsonPropertyDescription("readyNodes/reportingNodes, e.g. 1/1.")
  public String ready;

  @JsonPropertyDescription("Ready and Degraded conditions.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One line per node that reported.")
  public List<NodeReport> nodes = new ArrayList<>();
}
