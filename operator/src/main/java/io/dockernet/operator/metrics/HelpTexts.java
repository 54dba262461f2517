package io.dockernet.operator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * Gives meters registered without a description (JOSDK's own) a HELP text, so the /metrics page
 * passes `promtool check metrics` and a reader of it knows what each series is.
 */
public final class HelpTexts implements MeterFilter {

  /** The meters JOSDK 5.3's MicrometerMetricsV2 registers, by the names it gives them. */
  private static final Map<String, String> JOSDK =
      Map.of(
          "custom_resources", "Primary resources JOSDK currently tracks, per controller",
          "events.received", "Events JOSDK received for primary resources",
          "reconciliations.active", "Reconciliations running now",
          "reconciliations.execution.duration", "How long JOSDK reconciliations took",
          "reconciliations.queue", "Reconciliations waiting to run",
          "reconciliations.started.total", "Reconciliations JOSDK started",
          "reconciliations.success.total", "Reconciliations that finished without an exception",
          "reconciliations.failure.total", "Reconciliations that ended with an exception",
          "reconciliations.retries.total", "Reconciliations that were retries of a failed one");

  @Override
  public Meter.Id map(Meter.Id id) {
    if (id.getDescription() != null) {
      return id;
    }
    String help = JOSDK.getOrDefault(id.getName(), "java-operator-sdk: " + id.getName());
    return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), help, id.getType());
  }
}
