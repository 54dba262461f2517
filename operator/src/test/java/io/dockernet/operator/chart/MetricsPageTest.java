package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.metrics.OperatorMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /metrics page as Prometheus and an admin read it. */
class MetricsPageTest {

  @Test
  void everyHistogramHasAboutADozenBuckets(@TempDir Path dir) throws Exception {
    String scrape = HelmChartTest.ExportedMetrics.scrape(dir);
    Map<String, Integer> bucketsPerSeries = new TreeMap<>();
    scrape
        .lines()
        .filter(l -> !l.startsWith("#") && l.contains("_bucket{"))
        .forEach(
            l -> {
              String series =
                  l.substring(0, l.indexOf('{')) + l.replaceAll(".*\\{|le=\"[^\"]*\",?|\\}.*", "");
              bucketsPerSeries.merge(series, 1, Integer::sum);
            });
    assertThat(bucketsPerSeries)
        .isNotEmpty()
        .containsKeys(
            bucketsPerSeries.keySet().stream()
                .filter(s -> s.startsWith("dockernet_reconcile_seconds_bucket"))
                .findFirst()
                .orElseThrow());
    assertThat(bucketsPerSeries.values()).allSatisfy(n -> assertThat(n).isBetween(8, 16));
  }

  @Test
  void jvmAndProcessMetricsAreServed(@TempDir Path dir) throws Exception {
    assertThat(HelmChartTest.ExportedMetrics.families(HelmChartTest.ExportedMetrics.scrape(dir)))
        .contains(
            "jvm_memory_used_bytes",
            "jvm_memory_max_bytes",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "process_cpu_usage",
            "process_files_open_files",
            "process_uptime_seconds",
            "dockernet_controller_leader");
  }

  @Test
  void everyMetricHasItsOwnHelpTextAndThePagePassesPromtool(@TempDir Path dir) throws Exception {
    String scrape = HelmChartTest.ExportedMetrics.scrape(dir);
    assertThat(scrape.lines().filter(l -> l.startsWith("# HELP ")))
        .as("help texts that only repeat JOSDK's meter name")
        .noneMatch(l -> l.contains("java-operator-sdk: "));
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var in = promtool.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("promtool check metrics").isBlank();
  }

  @Test
  void objectsAreCountedByKindAndThePhaseThisNodeReports() {
    try (OperatorMetrics served = new OperatorMetrics()) {
      AgentMetrics metrics =
          new AgentMetrics(served.registry(), "DockerNetwork", "dockernet.managed.networks");
      metrics.phase("a", Phase.Ready);
      metrics.phase("b", Phase.Error);
      metrics.phase("c", Phase.Error);
      metrics.reconciled(Duration.ofMillis(7), "Ready");

      assertThat(objects(served, "Error")).isEqualTo(2);
      assertThat(objects(served, "Ready")).isEqualTo(1);
      assertThat(objects(served, "Conflict")).as("zero, but there to alert on").isZero();

      metrics.forget("b");
      metrics.phase("c", Phase.Ready);
      assertThat(objects(served, "Error")).isZero();
      assertThat(objects(served, "Ready")).isEqualTo(2);
    }
  }

  private static double objects(OperatorMetrics served, String phase) {
    return served
        .registry()
        .get("dockernet.objects")
        .tag("kind", "DockerNetwork")
        .tag("phase", phase)
        .gauge()
        .value();
  }
}
