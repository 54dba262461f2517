package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dockernet.operator.testbed.HelmChart;
import io.dockernet.operator.testbed.Repo;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart's values as an admin sets them: closed schema, labels, and the production knobs. */
class HelmChartValuesTest {

  private static final String AGENT = "dockernet-operator-agent";
  private static final String CONTROLLER = "dockernet-operator-controller";
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  /** A typo in a key is an error at `helm install`, not a setting silently ignored. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "agent.toleration",
        "controller.replica",
        "image.digests",
        "logging.levl",
        "probes.liveness.periodSecond",
        "agent.updateStrategy.rollingUpdate.maxUnavailble",
        "agent.resources.limit",
        "agent.serviceAccount.nam",
        "controller.podDisruptionBudget.enable",
        "metrics.podMonitor.intervall",
        "grafana.dashboard.enable",
        "rbac.creat",
        "docker.socket",
        "probez"
      })
  void aMisspelledKeyFailsTheRender(String key) {
    String misspelled = key.substring(key.lastIndexOf('.') + 1);
    assertThatThrownBy(() -> HelmChart.chart().set(key, "1").renderYaml())
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(misspelled);
  }

  @Test
  void aLogLevelMayNameSinglePackagesAndAnUnknownLevelFailsTheRender() {
    assertThat(
            HelmChart.chart()
                .set("logging.level", "info,io.dockernet.operator.node=debug")
                .renderYaml())
        .contains("info,io.dockernet.operator.node=debug");
    assertThatThrownBy(() -> HelmChart.chart().set("logging.level", "verbose").renderYaml())
        .hasMessageContaining("values don't meet the specifications of the schema");
  }

  /**
   * Every object in values.yaml is closed in values.schema.json (additionalProperties false), or a
   * map whose values the schema types (labels, annotations, resource quantities): no key of ours
   * can be mistyped unnoticed.
   */
  @Test
  void everyObjectOfTheDefaultValuesIsClosedInTheSchema() throws Exception {
    JsonNode values = new YAMLMapper().readTree(Repo.chart().resolve("values.yaml").toFile());
    JsonNode schema =
        new ObjectMapper().readTree(Repo.chart().resolve("values.schema.json").toFile());
    List<String> open = new ArrayList<>();
    walk(values, schema, schema, "", open);
    assertThat(open).as("objects a misspelled key would slip into").isEmpty();
  }

  private static void walk(
      JsonNode value, JsonNode node, JsonNode schema, String path, List<String> open) {
    JsonNode resolved = resolve(node, schema);
    if (!value.isObject()) {
      return;
    }
    JsonNode additional = resolved.get("additionalProperties");
    if (additional == null || additional.isBoolean() && additional.asBoolean()) {
      open.add(path.isEmpty() ? "(root)" : path);
      return;
    }
    JsonNode properties = resolved.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode child = properties.has(field.getKey()) ? properties.get(field.getKey()) : additional;
      if (child.isBoolean()) {
        open.add(path + "." + field.getKey() + " (not in the schema)");
        continue;
      }
      walk(
          field.getValue(),
          child,
          schema,
          path.isEmpty() ? field.getKey() : path + "." + field.getKey(),
          open);
    }
  }

  private static JsonNode resolve(JsonNode node, JsonNode schema) {
    while (node.has("$ref")) {
      String ref = node.get("$ref").asText();
      node = schema.at(ref.substring(1));
    }
    return node;
  }

  @Test
  void podsCarryEveryRecommendedLabelAndTheirOwn() {
    List<HasMetadata> items =
        HelmChart.chart()
            .set("agent.podLabels.team", "net")
            .set("controller.podLabels.team", "net")
            .render();
    for (PodTemplateSpec pod :
        List.of(agent(items).getSpec().getTemplate(), controller(items).getSpec().getTemplate())) {
      assertThat(pod.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/name", "dockernet-operator")
          .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/part-of", "dockernet-operator")
          .containsKeys("app.kubernetes.io/version", "app.kubernetes.io/component", "helm.sh/chart")
          .containsEntry("team", "net");
    }
    assertThat(agent(items).getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "agent");
  }

  @Test
  void aDigestPinsTheImageOfBothRoles() {
    List<HasMetadata> items =
        HelmChart.chart().set("image.tag", "0.1.0").set("image.digest", DIGEST).render();
    assertThat(container(agent(items).getSpec().getTemplate().getSpec()).getImage())
        .isEqualTo("dockernet/dockernet-operator@" + DIGEST);
    assertThat(container(controller(items).getSpec().getTemplate().getSpec()).getImage())
        .isEqualTo("dockernet/dockernet-operator@" + DIGEST);
    assertThatThrownBy(() -> HelmChart.chart().set("image.digest", "latest").renderYaml())
        .hasMessageContaining("/image/digest");
  }

  @Test
  void extraArgsEnvAndVolumesReachTheContainer() {
    List<HasMetadata> items =
        HelmChart.chart()
            .set("agent.extraArgs[0]", "--verbose")
            .set("agent.extraEnv[0].name", "_JAVA_OPTIONS")
            .set("agent.extraEnv[0].value", "-Xmx200m")
            .set("agent.extraVolumes[0].name", "certs")
            .set("agent.extraVolumes[0].secret.secretName", "docker-tls")
            .set("agent.extraVolumeMounts[0].name", "certs")
            .set("agent.extraVolumeMounts[0].mountPath", "/etc/docker-tls")
            .render();
    PodSpec pod = agent(items).getSpec().getTemplate().getSpec();
    Container agent = container(pod);
    assertThat(agent.getArgs()).containsExactly("--role", "agent", "--verbose");
    assertThat(agent.getEnv()).anySatisfy(e -> assertThat(e.getValue()).isEqualTo("-Xmx200m"));
    assertThat(agent.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/docker-tls"));
    assertThat(pod.getVolumes())
        .filteredOn(v -> "certs".equals(v.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("docker-tls"));
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .contains("docker-socket", "tmp", "certs");
  }

  @Test
  void probesAreTunable() {
    List<HasMetadata> items =
        HelmChart.chart()
            .set("probes.liveness.periodSeconds", 30)
            .set("probes.liveness.timeoutSeconds", 5)
            .set("probes.readiness.failureThreshold", 6)
            .render();
    for (Container c :
        List.of(
            container(agent(items).getSpec().getTemplate().getSpec()),
            container(controller(items).getSpec().getTemplate().getSpec()))) {
      assertThat(c.getLivenessProbe().getPeriodSeconds()).isEqualTo(30);
      assertThat(c.getLivenessProbe().getTimeoutSeconds()).isEqualTo(5);
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(c.getReadinessProbe().getFailureThreshold()).isEqualTo(6);
      assertThat(c.getStartupProbe().getFailureThreshold()).isEqualTo(60);
    }
  }

  @Test
  void theControllerGetsADisruptionBudgetSpreadAndHistoryWhenAskedFor() {
    List<HasMetadata> items =
        HelmChart.chart()
            .set("controller.replicas", 2)
            .set("controller.podDisruptionBudget.enabled", true)
            .set("controller.topologySpreadConstraints[0].maxSkew", 1)
            .set(
                "controller.topologySpreadConstraints[0].topologyKey",
                "topology.kubernetes.io/zone")
            .set("controller.topologySpreadConstraints[0].whenUnsatisfiable", "ScheduleAnyway")
            .set("controller.revisionHistoryLimit", 3)
            .set("agent.revisionHistoryLimit", 4)
            .render();
    PodDisruptionBudget pdb = HelmChart.find(items, PodDisruptionBudget.class, CONTROLLER);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(controller(items).getSpec().getSelector().getMatchLabels());
    var spread = controller(items).getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
    assertThat(spread)
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.getLabelSelector().getMatchLabels())
                    .isEqualTo(controller(items).getSpec().getSelector().getMatchLabels()));
    assertThat(controller(items).getSpec().getRevisionHistoryLimit()).isEqualTo(3);
    assertThat(agent(items).getSpec().getRevisionHistoryLimit()).isEqualTo(4);

    assertThat(HelmChart.chart().render()).noneMatch(i -> i instanceof PodDisruptionBudget);
    assertThatThrownBy(
            () ->
                HelmChart.chart()
                    .set("controller.podDisruptionBudget.enabled", true)
                    .set("controller.podDisruptionBudget.minAvailable", 1)
                    .renderYaml())
        .hasMessageContaining("not both");
  }

  private static DaemonSet agent(List<HasMetadata> items) {
    return HelmChart.find(items, DaemonSet.class, AGENT);
  }

  private static Deployment controller(List<HasMetadata> items) {
    return HelmChart.find(items, Deployment.class, CONTROLLER);
  }

  private static Container container(PodSpec pod) {
    return pod.getContainers().get(0);
  }
}
