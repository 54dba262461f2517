package io.dockernet.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Holds back, for up to {@link #HOLD}, a summary change that tells the tools reading it nothing
 * new: the parent was converging for this generation and still is (kstatus's InProgress before and
 * after), only the count or the words changed, e.g. a node's report went from "connecting" to Ready
 * while another's is on its way. Changes that arrive meanwhile are written together, so a bulk
 * apply's attachment, whose report says "connecting" a moment before it says Ready, gets one
 * summary write fewer, and a change on five nodes gets one instead of four. A summary that becomes
 * Ready, Stalled or Degraded, or is of a new generation, is written at once.
 */
public final class ProgressHold {

  /** At most this long between a change of a converging summary and its write. */
  public static final Duration HOLD = Duration.ofSeconds(1);

  private final Map<String, Long> heldSince = new ConcurrentHashMap<>();
  private final LongSupplier nanos;

  public ProgressHold() {
    this(System::nanoTime);
  }

  ProgressHold(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /**
   * How long to wait before writing the {@code next} summary of the parent {@code name} over the
   * {@code stored} one (null: none yet); empty: write it now.
   */
  public <S> Optional<Duration> before(
      String name,
      S stored,
      S next,
      Function<S, Long> generation,
      Function<S, List<Condition>> conditions) {
    if (stored == null
        || !Objects.equals(generation.apply(stored), generation.apply(next))
        || !converging(conditions.apply(stored))
        || !converging(conditions.apply(next))) {
      heldSince.remove(name);
      return Optional.empty();
    }
    long now = nanos.getAsLong();
    long left = HOLD.toNanos() - (now - heldSince.computeIfAbsent(name, n -> now));
    if (left <= 0) {
      heldSince.remove(name);
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(left));
  }

  /** The parent's summary is written, unchanged, or the parent is gone. */
  public void forget(String name) {
    heldSince.remove(name);
  }

  private static boolean converging(List<Condition> conditions) {
    return is(conditions, SummaryConditions.RECONCILING)
        && !is(conditions, SummaryConditions.STALLED)
        && !is(conditions, SummaryConditions.DEGRADED);
  }

  private static boolean is(List<Condition> conditions, String type) {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
