package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The CRD schema of one {@code nodeSelector.matchExpressions} entry (see NodeSelectorSchema). */
@ValidationRule(
    value =
        "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0 :"
            + " !has(self.values) || size(self.values) == 0",
    message =
        "matchExpressions: In and NotIn need at least one value, Exists and DoesNotExist take"
            + " none")
public final class NodeSelectorRequirementSchema {

  /** The operators of a Kubernetes label selector requirement. */
  public enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }

  @JsonPropertyDescription("The label key, e.g. kubernetes.io/hostname.")
  @Required
  @Size(min = 1, max = 317)
  public String key;

  @JsonPropertyDescription(
      "In (the label has one of the values), NotIn (it has none of them, or no such label),"
          + " Exists (the label is there) or DoesNotExist (it is not).")
  @Required
  public Operator operator;

  @JsonPropertyDescription("The values for In and NotIn; empty for Exists and DoesNotExist.")
  @Size(max = 64)
  public List<@Size(max = 63) String> values;

  private NodeSelectorRequirementSchema() {}
}
