package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** API version negotiation with each Engine users run, as its GET /version answers. */
class EngineTest {

  @Test
  void eachEngineIsSpokenToInTheHighestVersionBothSidesKnow() {
    assertThat(Engine.negotiate("20.10.24+dfsg1", "1.41", "1.12").api()).hasToString("1.41");
    assertThat(Engine.negotiate("26.1.5+dfsg1", "1.45", "1.24").api()).hasToString("1.45");
    assertThat(Engine.negotiate("28.5.2+dfsg4", "1.51", "1.44").api()).hasToString("1.51");
    // Engine 29.0 speaks 1.52 and refuses anything below 1.44: the newest this operator speaks.
    assertThat(Engine.negotiate("29.0.0", "1.52", "1.44").api()).isEqualTo(Engine.NEWEST_API);
  }

  @Test
  void anEngineOlderThan2010IsTooOldAndTheMessageNamesBothVersions() {
    Engine engine = Engine.negotiate("19.03.15", "1.40", "1.12");

    assertThat(engine.supported()).isFalse();
    EngineUnsupportedException refusal = engine.refusal().orElseThrow();
    assertThat(refusal.reason()).isEqualTo("EngineTooOld");
    assertThat(refusal.getMessage())
        .contains("Docker Engine 19.03.15")
        .contains("API up to 1.40")
        .contains("needs API 1.41 or newer (Docker Engine 20.10 or newer)");
    assertThatThrownBy(engine::api)
        .isInstanceOf(EngineUnsupportedException.class)
        .hasMessage(refusal.getMessage());
  }

  @Test
  void anEngineWhoseMinimumIsAboveWhatTheOperatorSpeaksIsTooNew() {
    Engine engine = Engine.negotiate("35.0.0", "1.60", "1.55");

    EngineUnsupportedException refusal = engine.refusal().orElseThrow();
    assertThat(refusal.reason()).isEqualTo("EngineTooNew");
    assertThat(refusal.getMessage()).contains("35.0.0").contains("1.55").contains("1.51");
    assertThat(refusal.reportMessage()).isEqualTo(refusal.getMessage());
  }

  @Test
  void versionsCompareAsNumbersNotAsText() {
    assertThat(ApiVersion.parse("1.9")).isLessThan(ApiVersion.parse("1.41"));
    assertThat(ApiVersion.parse("v1.44").atLeast(ApiVersion.parse("1.44"))).isTrue();
    assertThatThrownBy(() -> ApiVersion.parse("latest"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
