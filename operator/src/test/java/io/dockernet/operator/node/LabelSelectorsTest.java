package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

  private static final Map<String, String> NODE = Map.of("kubernetes.io/hostname", "node-a");

  @Test
  void anExpressionWithoutOperatorOrKeySelectsNoNodeInsteadOfThrowing() {
    LabelSelector noOperator =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("kubernetes.io/hostname")
            .withValues("node-a")
            .endMatchExpression()
            .build();
    LabelSelector noKey =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withOperator("Exists")
            .endMatchExpression()
            .build();

    assertThat(LabelSelectors.matches(noOperator, NODE)).isFalse();
    assertThat(LabelSelectors.matches(noKey, NODE)).isFalse();
  }

  @Test
  void validExpressionsStillMatch() {
    LabelSelector in =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("kubernetes.io/hostname")
            .withOperator("In")
            .withValues("node-a", "node-b")
            .endMatchExpression()
            .build();
    assertThat(LabelSelectors.matches(in, NODE)).isTrue();
    assertThat(LabelSelectors.matches(null, NODE)).isTrue();
  }
}
