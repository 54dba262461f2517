package io.dockernet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A converging parent's summary is written at most a second after it changed, with what changed
 * meanwhile; what GitOps tools read differently (Ready, Stalled, Degraded, a new generation) is
 * written at once.
 */
class ProgressHoldTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final ProgressHold hold = new ProgressHold(now::get);

  /** A summary: its generation and conditions. */
  private record Summary(Long generation, List<Condition> conditions) {}

  @Test
  void aConvergingSummaryWaitsOneSecondFromItsFirstChangeThenIsWritten() {
    Summary noReports = converging(3);
    Summary connecting = converging(3);

    assertThat(before(noReports, connecting)).contains(ProgressHold.HOLD);
    now.addAndGet(Duration.ofMillis(400).toNanos());
    assertThat(before(noReports, converging(3))).contains(Duration.ofMillis(600));
    now.addAndGet(Duration.ofMillis(600).toNanos());
    assertThat(before(noReports, converging(3))).isEmpty();

    // written: the next change waits a full second again
    assertThat(before(converging(3), converging(3))).contains(ProgressHold.HOLD);
  }

  @Test
  void whatToolsReadDifferentlyIsWrittenAtOnce() {
    Summary converging = converging(3);

    assertThat(before(null, converging)).as("the first summary").isEmpty();
    assertThat(before(converging, converging(4))).as("a new generation").isEmpty();
    assertThat(before(converging, summary(3, "Ready", "Reconciling:False"))).as("Ready").isEmpty();
    assertThat(before(converging, summary(3, "Reconciling", "Stalled"))).as("Stalled").isEmpty();
    assertThat(before(converging, summary(3, "Reconciling", "Degraded"))).as("Degraded").isEmpty();
    assertThat(before(summary(3, "Reconciling", "Degraded"), converging)).as("recovered").isEmpty();
  }

  @Test
  void aChangeThatWentBackToTheStoredSummaryStartsAFreshHold() {
    assertThat(before(converging(3), converging(3))).contains(ProgressHold.HOLD);
    now.addAndGet(Duration.ofMillis(700).toNanos());
    hold.forget("web"); // the summary came back to what is stored

    assertThat(before(converging(3), converging(3))).contains(ProgressHold.HOLD);
  }

  private Optional<Duration> before(Summary stored, Summary next) {
    return hold.before("web", stored, next, Summary::generation, Summary::conditions);
  }

  private static Summary converging(long generation) {
    return summary(generation, "Reconciling");
  }

  /** Conditions True by type, "Type:False" for False. */
  private static Summary summary(long generation, String... conditions) {
    return new Summary(
        generation,
        java.util.Arrays.stream(conditions)
            .map(
                c ->
                    new ConditionBuilder()
                        .withType(c.split(":")[0])
                        .withStatus(c.endsWith(":False") ? "False" : "True")
                        .build())
            .toList());
  }
}
