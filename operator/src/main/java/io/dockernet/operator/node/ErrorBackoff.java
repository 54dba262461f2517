package io.dockernet.operator.node;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-object backoff for refusals that retrying at once would not fix (5 s, doubling, at most 5
 * min), so a node in error never retries hot; Docker and Kubernetes events still wake it sooner.
 */
public final class ErrorBackoff {

  private static final Duration FIRST = Duration.ofSeconds(5);
  private static final Duration MAX = Duration.ofMinutes(5);

  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  /** One more consecutive failure of {@code key}; returns how long to wait before the next try. */
  public Duration failed(String key) {
    int n = failures.merge(key, 1, Integer::sum);
    long seconds = FIRST.toSeconds() << Math.min(n - 1, 10);
    return Duration.ofSeconds(Math.min(MAX.toSeconds(), seconds));
  }

  public void succeeded(String key) {
    failures.remove(key);
  }

  /** True while {@code key} is in error (so any change nearby is worth a try). */
  public boolean failing(String key) {
    return failures.containsKey(key);
  }
}
