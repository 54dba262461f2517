package io.dockernet.operator.node;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label-selector semantics, for matching a node's labels against a spec. */
public final class LabelSelectors {

  private LabelSelectors() {}

  /** True when the selector is null or empty, or every requirement holds for the labels. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(have.get(e.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    return expressions.stream().allMatch(r -> holds(r, have));
  }

  /** True when the selector selects everything: null, or neither labels nor expressions. */
  public static boolean isEmpty(LabelSelector selector) {
    return selector == null
        || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
            && (selector.getMatchExpressions() == null
                || selector.getMatchExpressions().isEmpty()));
  }

  private static boolean holds(LabelSelectorRequirement r, Map<String, String> labels) {
    // The CRD schema refuses these (NodeSelectorSchema), but objects stored before it did may
    // still hold one: without a key or operator, or with an unknown operator, it selects no node
    // rather than failing every reconciliation with an exception.
    if (r == null || r.getKey() == null || r.getOperator() == null) {
      return false;
    }
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;
    };
  }
}
