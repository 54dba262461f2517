package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.HelmChart;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's opt-in PrometheusRule, checked by Prometheus's own promtool (Debian's prometheus
 * package, hack/install-deps.sh): the rules parse, and they fire, with the texts an on-call admin
 * reads, exactly when the series say so (src/test/resources/prometheus/dockernet-alerts-test.yml).
 */
class HelmChartAlertsTest {

  @Test
  void noRuleUnlessAskedFor() {
    assertThat(HelmChart.chart().render()).noneMatch(i -> "PrometheusRule".equals(i.getKind()));
  }

  @Test
  void theRulesPassPromtoolsCheckAndItsUnitTests(@TempDir Path dir) throws Exception {
    List<HasMetadata> items =
        HelmChart.chart().set("metrics.prometheusRule.enabled", true).render();
    GenericKubernetesResource rule =
        items.stream()
            .filter(i -> "PrometheusRule".equals(i.getKind()))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    // A Prometheus rule file is the PrometheusRule's spec: {groups: [...]}.
    Files.writeString(
        dir.resolve("rules.yml"), Serialization.asYaml(rule.getAdditionalProperties().get("spec")));
    try (InputStream test =
        getClass().getResourceAsStream("/prometheus/dockernet-alerts-test.yml")) {
      Files.copy(test, dir.resolve("alerts-test.yml"));
    }

    assertThat(promtool(dir, "check", "rules", "rules.yml")).contains("SUCCESS: 5 rules found");
    assertThat(promtool(dir, "test", "rules", "alerts-test.yml")).contains("SUCCESS");
  }

  private static String promtool(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool %s:\n%s", String.join(" ", args), out).isZero();
    return out;
  }
}
