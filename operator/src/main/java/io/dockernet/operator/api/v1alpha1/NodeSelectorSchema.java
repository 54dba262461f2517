package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/**
 * The CRD schema of a {@code nodeSelector} (the Java field stays fabric8's LabelSelector): the same
 * JSON as a Kubernetes label selector, with descriptions, bounds and the API server's checks, so a
 * selector no node could ever match is refused at {@code kubectl apply} instead of silently
 * selecting no node. The bounds also keep the CEL rules within the API server's cost budget.
 */
public final class NodeSelectorSchema {

  @JsonPropertyDescription(
      "Labels a Node must all have, with these values (as `kubectl get nodes -l key=value`).")
  @Size(max = 64)
  public Map<String, @Size(max = 63) String> matchLabels;

  @JsonPropertyDescription("Requirements on a Node's labels; a Node must meet all of them.")
  @Size(max = 32)
  public List<NodeSelectorRequirementSchema> matchExpressions;

  private NodeSelectorSchema() {}
}
