package io.dockernet.operator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * About a dozen histogram buckets per timer, placed where the latencies it measures fall, instead
 * of Micrometer's 69 percentile buckets (× operations × outcomes × pods in Prometheus): a Docker
 * call or a Kubernetes write takes milliseconds, a reconcile tens to hundreds of them
 * (docs/benchmarks.md), a change reaching Docker up to minutes when it waits for backoff or a
 * daemon.
 */
public final class HistogramBuckets implements MeterFilter {

  /** Docker API calls: 1 ms to 30 s (the request timeout). */
  static final Duration[] DOCKER_CALL = ms(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, 30000);

  /** One reconcile on one node: 5 ms to 30 s. */
  static final Duration[] RECONCILE =
      ms(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000);

  /** From a new generation seen to Docker matching it: 50 ms to 5 min. */
  static final Duration[] APPLY =
      ms(50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000);

  private static final Map<String, Duration[]> BY_NAME =
      Map.of(
          "dockernet.docker.api.call", DOCKER_CALL,
          "dockernet.kubernetes.write", DOCKER_CALL,
          "dockernet.reconcile", RECONCILE,
          "dockernet.apply.latency", APPLY,
          // JOSDK's own timer: a whole reconcile, the controller's included.
          "reconciliations.execution.duration", RECONCILE);

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    Duration[] buckets = BY_NAME.get(id.getName());
    if (buckets == null || id.getType() != Meter.Type.TIMER) {
      return config;
    }
    return DistributionStatisticConfig.builder()
        .percentilesHistogram(false)
        .serviceLevelObjectives(Arrays.stream(buckets).mapToDouble(Duration::toNanos).toArray())
        .build()
        .merge(config);
  }

  private static Duration[] ms(double... millis) {
    return Arrays.stream(millis)
        .mapToObj(m -> Duration.ofNanos((long) (m * 1_000_000)))
        .toArray(Duration[]::new);
  }
}
