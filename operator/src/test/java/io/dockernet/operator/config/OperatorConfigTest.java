package io.dockernet.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  private static final String[] NO_ARGS = {};

  @Test
  void reconcileThreadsDefaultToEightAndComeFromTheEnvironment() {
    assertThat(OperatorConfig.from(Map.of("NODE_NAME", "n"), NO_ARGS).reconcileThreads())
        .isEqualTo(8);
    assertThat(
            OperatorConfig.from(
                    Map.of("NODE_NAME", "n", "DOCKERNET_RECONCILE_THREADS", " 3 "), NO_ARGS)
                .reconcileThreads())
        .isEqualTo(3);
  }

  @Test
  void reconcileThreadsMustBeAPositiveWholeNumber() {
    for (String bad : new String[] {"0", "-1", "many"}) {
      assertThatThrownBy(
              () ->
                  OperatorConfig.from(
                      Map.of("NODE_NAME", "n", "DOCKERNET_RECONCILE_THREADS", bad), NO_ARGS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DOCKERNET_RECONCILE_THREADS");
    }
  }

  @Test
  void theDriftCheckRunsEveryMinuteUnlessToldOtherwise() {
    assertThat(OperatorConfig.from(Map.of("NODE_NAME", "n"), NO_ARGS).driftCheckInterval())
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(
            OperatorConfig.from(
                    Map.of("NODE_NAME", "n", "DOCKERNET_DRIFT_CHECK_SECONDS", "5"), NO_ARGS)
                .driftCheckInterval())
        .isEqualTo(Duration.ofSeconds(5));
    for (String bad : new String[] {"0", "soon"}) {
      assertThatThrownBy(
              () ->
                  OperatorConfig.from(
                      Map.of("NODE_NAME", "n", "DOCKERNET_DRIFT_CHECK_SECONDS", bad), NO_ARGS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DOCKERNET_DRIFT_CHECK_SECONDS");
    }
  }
}
