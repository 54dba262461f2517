package io.dockernet.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/** Kubernetes-shaped conditions that keep lastTransitionTime while their status holds. */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";

  private Conditions() {}

  /**
   * A condition of the given type; its lastTransitionTime is copied from {@code previous} when the
   * status did not change.
   */
  public static Condition of(
      List<Condition> previous,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration) {
    String value = status ? "True" : "False";
    String since =
        previous == null
            ? null
            : previous.stream()
                .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(observedGeneration)
        .withLastTransitionTime(
            since != null ? since : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }
}
