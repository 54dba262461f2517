package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import io.dockernet.operator.AgentContext;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.attachment.ContainerAttachmentAgentReconciler;
import io.dockernet.operator.attachment.ContainerAttachmentSummaryReconciler;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerJavaGateway;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.metrics.OperatorMetrics;
import io.dockernet.operator.network.DockerNetworkAgentReconciler;
import io.dockernet.operator.network.DockerNetworkSummaryReconciler;
import io.dockernet.operator.node.ClusterNodes;
import io.dockernet.operator.node.LiveAgents;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.testbed.HelmChart;
import io.dockernet.operator.testbed.Repo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart through the real helm library: lint, render, values, schema, CRDs. */
class HelmChartTest {

  private static final String AGENT = "dockernet-operator-agent";
  private static final String CONTROLLER = "dockernet-operator-controller";

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = HelmChart.lint();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void rendersOneServiceAccountPerRoleAndNoMonitorsByDefault() {
    List<HasMetadata> items = HelmChart.chart().render();
    assertThat(items)
        .extracting(i -> i.getKind() + "/" + i.getMetadata().getName())
        .contains(
            "ServiceAccount/" + AGENT,
            "ServiceAccount/" + CONTROLLER,
            "DaemonSet/" + AGENT,
            "Deployment/" + CONTROLLER,
            "ClusterRole/" + AGENT,
            "ClusterRole/" + CONTROLLER,
            "ValidatingAdmissionPolicy/dockernet-operator-finalizers-only")
        .noneMatch(k -> k.startsWith("PodMonitor/") || k.startsWith("ServiceMonitor/"));
    assertThat(HelmChart.find(items, DaemonSet.class, AGENT).getSpec().getTemplate().getSpec())
        .extracting(PodSpec::getServiceAccountName)
        .isEqualTo(AGENT);
  }

  @Test
  void theAgentMountsTheSocketWithTheTightestSecurityContextASocketAllows() {
    DaemonSet ds =
        HelmChart.find(
            HelmChart.chart()
                .set("docker.socketPath", "/run/docker.sock")
                .set("docker.groupId", 105)
                .set("agent.tolerations[0].operator", "Exists")
                .render(),
            DaemonSet.class,
            AGENT);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    Volume socket = volume(pod, "docker-socket");
    assertThat(socket.getHostPath().getPath()).isEqualTo("/run/docker.sock");
    assertThat(socket.getHostPath().getType()).isEqualTo("Socket");
    assertThat(pod.getSecurityContext().getSupplementalGroups()).containsExactly(105L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getTolerations()).extracting(t -> t.getOperator()).containsExactly("Exists");
    assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");

    Container agent = pod.getContainers().get(0);
    assertThat(agent.getSecurityContext().getPrivileged()).isFalse();
    assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(agent.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(agent.getArgs()).containsExactly("--role", "agent");
    assertThat(env(agent, "NODE_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("spec.nodeName");
    assertThat(env(agent, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(agent.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080);
  }

  @Test
  void withTheSocketProxyOnlyTheProxyMountsTheSocketAndTheAgentTalksToTheProxy()
      throws IOException {
    List<HasMetadata> items =
        HelmChart.chart()
            .set("docker.socketProxy.enabled", true)
            .set("docker.socketProxy.image.repository", "registry.example.com/proxy")
            .set("docker.socketProxy.image.tag", "1.0")
            .render();
    PodSpec pod = HelmChart.find(items, DaemonSet.class, AGENT).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers())
        .extracting(Container::getName)
        .containsExactly("agent", "docker-socket-proxy");
    Container agent = pod.getContainers().get(0);
    Container proxy = pod.getContainers().get(1);
    assertThat(agent.getVolumeMounts())
        .extracting(m -> m.getName())
        .contains("docker-socket-proxy")
        .doesNotContain("docker-socket");
    assertThat(env(agent, "DOCKER_HOST").getValue())
        .isEqualTo("unix:///run/dockernet-proxy/docker.sock");
    assertThat(proxy.getImage()).isEqualTo("registry.example.com/proxy:1.0");
    assertThat(proxy.getVolumeMounts())
        .extracting(m -> m.getName() + " " + m.getMountPath())
        .containsExactly(
            "docker-socket /var/run/docker.sock",
            "docker-socket-proxy /run/dockernet-proxy",
            "docker-socket-proxy-config /etc/dockernet-proxy");
    assertThat(proxy.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(proxy.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(
            HelmChart.find(items, ConfigMap.class, "dockernet-operator-docker-socket-proxy")
                .getData())
        .containsEntry(
            "docker-socket-proxy.cfg",
            Files.readString(Repo.chart().resolve("files/docker-socket-proxy.cfg")));

    PodSpec plain =
        HelmChart.find(HelmChart.chart().render(), DaemonSet.class, AGENT)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(plain.getContainers()).extracting(Container::getName).containsExactly("agent");
    assertThat(env(plain.getContainers().get(0), "DOCKER_HOST").getValue())
        .isEqualTo("unix:///var/run/docker.sock");
  }

  @Test
  void bothRolesLogAtTheLevelAndInTheFormatAskedFor() {
    List<HasMetadata> items =
        HelmChart.chart().set("logging.level", "debug").set("logging.format", "json").render();
    for (Container c :
        List.of(
            HelmChart.find(items, DaemonSet.class, AGENT)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0),
            HelmChart.find(items, Deployment.class, CONTROLLER)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0))) {
      assertThat(env(c, "DOCKERNET_LOG_LEVEL").getValue()).isEqualTo("debug");
      assertThat(env(c, "DOCKERNET_LOG_FORMAT").getValue()).isEqualTo("json");
    }
    assertThatThrownBy(() -> HelmChart.chart().set("logging.format", "logfmt").render())
        .hasMessageContaining("/logging/format");
  }

  @Test
  void theControllerElectsALeaderInItsOwnNamespaceWithoutTheSocket() {
    List<HasMetadata> items = HelmChart.chart().namespace("ops").render();
    PodSpec pod =
        HelmChart.find(items, Deployment.class, CONTROLLER).getSpec().getTemplate().getSpec();
    Container controller = pod.getContainers().get(0);
    assertThat(controller.getArgs()).containsExactly("--role", "controller");
    assertThat(env(controller, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
    Role lease = HelmChart.find(items, Role.class, CONTROLLER + "-leader-election");
    assertThat(lease.getMetadata().getNamespace()).isEqualTo("ops");
    assertThat(lease.getRules()).allMatch(r -> r.getResources().equals(List.of("leases")));
  }

  @Test
  void theAgentMayWriteLeasesOnlyInItsNamespaceAndOnlyItsHeartbeatByPolicy() {
    List<HasMetadata> items = HelmChart.chart().namespace("ops").render();
    Role heartbeat = HelmChart.find(items, Role.class, AGENT + "-heartbeat");
    assertThat(heartbeat.getMetadata().getNamespace()).isEqualTo("ops");
    assertThat(heartbeat.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("leases");
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("create", "patch");
            });
    assertThat(items)
        .filteredOn(i -> i.getKind().equals("ValidatingAdmissionPolicy"))
        .extracting(i -> i.getMetadata().getName())
        .contains("dockernet-operator-agent-leases");
    assertThat(HelmChart.chart().namespace("ops").set("rbac.agentLeasePolicy", false).render())
        .noneMatch(i -> i.getMetadata().getName().equals("dockernet-operator-agent-leases"));
  }

  @Test
  void theNodeGuardIsSafeByDefaultAndReadsTheNodesOwnNetworkThroughHostPid() {
    PodSpec pod =
        HelmChart.find(HelmChart.chart().render(), DaemonSet.class, AGENT)
            .getSpec()
            .getTemplate()
            .getSpec();
    Container agent = pod.getContainers().get(0);
    assertThat(pod.getHostPID()).isTrue();
    assertThat(env(agent, "DOCKERNET_ALLOWED_PARENT_INTERFACES").getValue()).isEmpty();
    assertThat(env(agent, "DOCKERNET_CLUSTER_CIDRS").getValue()).isEmpty();
    assertThat(env(agent, "DOCKERNET_ALLOW_RECREATE_OF_DOCKER_NETWORKS").getValue())
        .isEqualTo("false");
    assertThat(env(agent, "DOCKERNET_HOST_NET_DIR").getValue()).isEqualTo("/proc/1/net");
    assertThat(env(agent, "DOCKERNET_ATTACHMENT_POLICY").getValue()).isEqualTo("OptIn");
    assertThat(env(agent, "DOCKERNET_ALLOW_DEFAULT_BRIDGE").getValue()).isEqualTo("false");

    PodSpec configured =
        HelmChart.find(
                HelmChart.chart()
                    .set("agent.hostPID", false)
                    .set("nodeGuard.allowedParentInterfaces[0]", "eth1")
                    .set("nodeGuard.clusterCidrs[0]", "10.96.0.0/12")
                    .set("nodeGuard.clusterCidrs[1]", "10.244.0.0/16")
                    .render(),
                DaemonSet.class,
                AGENT)
            .getSpec()
            .getTemplate()
            .getSpec();
    Container guarded = configured.getContainers().get(0);
    assertThat(configured.getHostPID()).isFalse();
    assertThat(guarded.getEnv()).noneMatch(e -> e.getName().equals("DOCKERNET_HOST_NET_DIR"));
    assertThat(env(guarded, "DOCKERNET_ALLOWED_PARENT_INTERFACES").getValue()).isEqualTo("eth1");
    assertThat(env(guarded, "DOCKERNET_CLUSTER_CIDRS").getValue())
        .isEqualTo("10.96.0.0/12,10.244.0.0/16");
  }

  @Test
  void eachAgentIsHeldToItsOwnNodesReportsAndFinalizerByPolicyUnlessTurnedOff() {
    List<String> names =
        List.of(
            "dockernet-operator-agent-node-reports", "dockernet-operator-agent-node-finalizers");
    assertThat(HelmChart.chart().render())
        .filteredOn(i -> i.getKind().startsWith("ValidatingAdmissionPolicy"))
        .extracting(i -> i.getKind() + "/" + i.getMetadata().getName())
        .contains(
            "ValidatingAdmissionPolicy/" + names.get(0),
            "ValidatingAdmissionPolicyBinding/" + names.get(0),
            "ValidatingAdmissionPolicy/" + names.get(1),
            "ValidatingAdmissionPolicyBinding/" + names.get(1));
    assertThat(HelmChart.chart().set("rbac.agentNodeScopePolicy", false).render())
        .noneMatch(i -> names.contains(i.getMetadata().getName()));
  }

  @Test
  void uninstallRunsACleanupJobFirstThatMayOnlyListAndDeleteTheOperatorsObjects(
      @TempDir Path scratch) throws IOException {
    String name = "dockernet-operator-uninstall-cleanup";
    List<HasMetadata> hooks =
        HelmChart.chart()
            .withHooks(scratch)
            .set("uninstallCleanup.timeoutSeconds", 120)
            .render()
            .stream()
            .filter(i -> name.equals(i.getMetadata().getName()))
            .toList();
    assertThat(hooks)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Job");
    assertThat(hooks)
        .allSatisfy(
            h ->
                assertThat(h.getMetadata().getAnnotations())
                    .containsEntry(HelmChart.RENDERED_HOOK, "pre-delete")
                    // Its identity exists before the Job starts, and is removed once it succeeded.
                    .containsEntry("helm.sh/hook-weight", h.getKind().equals("Job") ? "0" : "-10")
                    .containsEntry(
                        "helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded"));
    assertThat(HelmChart.find(hooks, ClusterRole.class, name).getRules())
        .extracting(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getVerbs())
        .containsExactly(
            "[dockernet.io] [dockernetworks, containerattachments] [list, delete]",
            "[dockernet.io] [dockernetworknodestates, containerattachmentnodestates] [list]");
    PodSpec pod = HelmChart.find(hooks, Job.class, name).getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo(name);
    assertThat(pod.getContainers().get(0).getArgs())
        .containsExactly("uninstall-cleanup", "--timeout-seconds=120");

    assertThat(
            HelmChart.chart()
                .withHooks(scratch.resolve("off"))
                .set("uninstallCleanup.enabled", false)
                .render())
        .noneMatch(i -> name.equals(i.getMetadata().getName()));
  }

  @Test
  void noRoleMentionsSecretsOrWildcardsAndOnlyTheControllerWritesParentStatus() {
    List<HasMetadata> items = HelmChart.chart().render();
    List<PolicyRule> all =
        Stream.concat(
                items.stream()
                    .filter(ClusterRole.class::isInstance)
                    .flatMap(r -> ((ClusterRole) r).getRules().stream()),
                items.stream()
                    .filter(Role.class::isInstance)
                    .flatMap(r -> ((Role) r).getRules().stream()))
            .toList();
    assertThat(all)
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.getResources()).doesNotContain("secrets", "*");
              assertThat(r.getVerbs()).doesNotContain("*", "deletecollection", "escalate");
              assertThat(r.getApiGroups()).doesNotContain("*");
            });
    assertThat(HelmChart.find(items, ClusterRole.class, AGENT).getRules())
        .flatExtracting(PolicyRule::getResources)
        .doesNotContain("dockernetworks/status", "containerattachments/status");
  }

  @Test
  void monitorsAreOptIn() {
    List<HasMetadata> items =
        HelmChart.chart()
            .set("metrics.podMonitor.enabled", true)
            .set("metrics.serviceMonitor.enabled", true)
            .render();
    GenericKubernetesResource podMonitor =
        HelmChart.find(items, GenericKubernetesResource.class, "dockernet-operator");
    assertThat(podMonitor.getKind()).isIn("PodMonitor", "ServiceMonitor");
    assertThat(items)
        .extracting(HasMetadata::getKind)
        .contains("PodMonitor", "ServiceMonitor", "Service");
  }

  @Test
  void theGrafanaDashboardIsOptIn() {
    assertThat(dashboardConfigMaps(HelmChart.chart().render(), "grafana_dashboard")).isEmpty();
  }

  @Test
  void theDashboardShipsAsOneConfigMapTheGrafanaSidecarPicksUp() throws IOException {
    List<ConfigMap> maps =
        dashboardConfigMaps(
            HelmChart.chart().set("grafana.dashboard.enabled", true).render(), "grafana_dashboard");
    assertThat(maps).hasSize(1);
    ConfigMap map = maps.get(0);
    assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(map.getMetadata().getNamespace()).isEqualTo("dockernet-system");
    assertThat(map.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(map.getData()).containsOnlyKeys(DASHBOARD_KEY);
    JsonNode shipped = JSON.readTree(map.getData().get(DASHBOARD_KEY));
    assertThat(shipped).isEqualTo(dashboard());
    assertThat(shipped.path("uid").asText()).isEqualTo("dockernet-operator");
    assertThat(shipped.path("panels")).isNotEmpty();
    assertThat(shipped.path("templating").path("list"))
        .anySatisfy(
            v -> {
              assertThat(v.path("name").asText()).isEqualTo("datasource");
              assertThat(v.path("type").asText()).isEqualTo("datasource");
              assertThat(v.path("query").asText()).isEqualTo("prometheus");
            });
    // Every query goes to the chosen data source, so the dashboard works in any Grafana.
    assertThat(panels(shipped))
        .filteredOn(p -> p.has("targets"))
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.path("targets"))
                    .allSatisfy(
                        t ->
                            assertThat(t.path("datasource").path("uid").asText())
                                .as(p.path("title").asText())
                                .isEqualTo("${datasource}")));

    ConfigMap moved =
        dashboardConfigMaps(
                HelmChart.chart()
                    .set("grafana.dashboard.enabled", true)
                    .set("grafana.dashboard.label", "example.com/dashboard")
                    .set("grafana.dashboard.labelValue", "yes")
                    .set("grafana.dashboard.namespace", "monitoring")
                    .set("grafana.dashboard.folder", "Dockernet")
                    .render(),
                "example.com/dashboard")
            .get(0);
    assertThat(moved.getMetadata().getLabels())
        .containsEntry("example.com/dashboard", "yes")
        .doesNotContainKey("grafana_dashboard");
    assertThat(moved.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(moved.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Dockernet");
  }

  /**
   * Every series and label the dashboard's PromQL names is one a real registry exports once the
   * agent and controller code has registered and used its meters, named as on /metrics; and every
   * dockernet_* metric the operator exports is on the dashboard. Only the kubelet's cAdvisor
   * metrics (pod memory and CPU) come from elsewhere.
   */
  @Test
  void theDashboardQueriesOnlyMetricsAndLabelsTheOperatorExports(@TempDir Path dir)
      throws Exception {
    String scrape = ExportedMetrics.scrape(dir);
    Map<String, Set<String>> exported = new TreeMap<>(ExportedMetrics.seriesLabels(scrape));
    exported.putAll(KUBELET_METRICS);

    Set<String> queried = new TreeSet<>();
    for (Map.Entry<String, String> query : queries(dashboard()).entrySet()) {
      String where = query.getKey() + ": " + query.getValue();
      Set<String> names = PromQl.metricNames(query.getValue());
      assertThat(names).as(where).isNotEmpty();
      assertThat(exported).as(where).containsKeys(names.toArray(String[]::new));
      Set<String> available = new HashSet<>(TARGET_LABELS);
      names.forEach(n -> available.addAll(exported.get(n)));
      assertThat(available).as(where).containsAll(PromQl.labelNames(query.getValue()));
      queried.addAll(names);
    }

    assertThat(ExportedMetrics.families(scrape))
        .filteredOn(f -> f.startsWith("dockernet_") && !f.endsWith("_max"))
        .isNotEmpty()
        .allSatisfy(
            family ->
                assertThat(queried)
                    .as("a panel for %s", family)
                    .anyMatch(n -> n.startsWith(family)));
  }

  @Test
  void theValuesSchemaRejectsAGroupNameWhereTheGroupIdBelongs() {
    assertThatThrownBy(() -> HelmChart.chart().set("docker.groupId", "docker").renderYaml())
        .hasMessageContaining("groupId");
  }

  private static final String DASHBOARD_KEY = "dockernet-operator.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Labels Prometheus attaches to every series it scrapes through a PodMonitor/ServiceMonitor. */
  private static final Set<String> TARGET_LABELS =
      Set.of("namespace", "pod", "container", "job", "instance", "endpoint", "service");

  /** The kubelet's cAdvisor series the resource panels use (kube-prometheus-stack scrapes them). */
  private static final Map<String, Set<String>> KUBELET_METRICS =
      Map.of(
          "container_memory_working_set_bytes", Set.of("namespace", "pod", "container"),
          "container_cpu_usage_seconds_total", Set.of("namespace", "pod", "container"));

  private static JsonNode dashboard() throws IOException {
    return JSON.readTree(Repo.chart().resolve("dashboards").resolve(DASHBOARD_KEY).toFile());
  }

  private static List<ConfigMap> dashboardConfigMaps(List<HasMetadata> items, String label) {
    return items.stream()
        .filter(ConfigMap.class::isInstance)
        .map(ConfigMap.class::cast)
        .filter(m -> m.getMetadata().getLabels() != null)
        .filter(m -> m.getMetadata().getLabels().containsKey(label))
        .toList();
  }

  /** Panels, including those nested in collapsed rows. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }

  /** Where → PromQL: every panel target's expr and every template variable's query. */
  private static Map<String, String> queries(JsonNode dashboard) {
    Map<String, String> queries = new TreeMap<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(
            "panel \"" + panel.path("title").asText() + "\" " + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        JsonNode query = variable.path("query");
        queries.put(
            "variable $" + variable.path("name").asText(),
            query.isTextual() ? query.asText() : query.path("query").asText());
      }
    }
    assertThat(queries).isNotEmpty().allSatisfy((where, q) -> assertThat(q).as(where).isNotBlank());
    return queries;
  }

  /** Just enough PromQL to find the metric and label names a query uses. */
  static final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_]\\w*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING =
        Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_VALUES =
        Pattern.compile("^\\s*label_values\\((.*),\\s*([a-zA-Z_]\\w*)\\s*\\)\\s*$");
    private static final Pattern NAME =
        Pattern.compile("(?<![\\w$.:])([a-zA-Z_:][\\w:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS =
        Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

    private PromQl() {}

    static Set<String> metricNames(String query) {
      String s = withoutStrings(query);
      Matcher lv = LABEL_VALUES.matcher(s);
      if (lv.matches()) {
        s = lv.group(1);
      }
      s = SELECTOR.matcher(s).replaceAll(" ");
      s = GROUPING.matcher(s).replaceAll(" ");
      s = RANGE.matcher(s).replaceAll(" ");
      Set<String> names = new TreeSet<>();
      Matcher m = NAME.matcher(s);
      while (m.find()) {
        if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
          names.add(m.group(1));
        }
      }
      return names;
    }

    static Set<String> labelNames(String query) {
      String s = withoutStrings(query);
      Set<String> labels = new TreeSet<>();
      Matcher lv = LABEL_VALUES.matcher(s);
      if (lv.matches()) {
        labels.add(lv.group(2));
      }
      Matcher selector = SELECTOR.matcher(s);
      while (selector.find()) {
        Matcher m = MATCHER.matcher(selector.group(1));
        while (m.find()) {
          labels.add(m.group(1));
        }
      }
      Matcher grouping = GROUPING.matcher(s);
      while (grouping.find()) {
        for (String label : grouping.group(1).split(",")) {
          if (!label.isBlank()) {
            labels.add(label.trim());
          }
        }
      }
      return labels;
    }

    private static String withoutStrings(String query) {
      return STRING.matcher(query).replaceAll("\"\"");
    }
  }

  /**
   * The /metrics text of a registry set up as {@code DockernetOperator} sets up its own, after the
   * agent's and controller's code has registered its meters and used each of them once: the
   * reconcilers and the Docker gateway and event hub as the agent role builds them, the JOSDK
   * metrics as the operator registers its controllers (nothing is started; the gateway's one call
   * fails against a socket that does not exist, which records the call timer).
   */
  static final class ExportedMetrics {

    private ExportedMetrics() {}

    static String scrape(Path dir) throws Exception {
      // The registry DockernetOperator serves, with the controller's leader gauge.
      OperatorMetrics served = new OperatorMetrics();
      served.registerLeader(new java.util.concurrent.atomic.AtomicInteger(1));
      PrometheusMeterRegistry registry = served.registry();
      try (KubernetesClient client =
              new KubernetesClientBuilder()
                  .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
                  .build();
          DockerJavaGateway docker =
              DockerJavaGateway.create(
                  URI.create("unix://" + dir.resolve("absent.sock")),
                  registry,
                  Duration.ofMillis(500),
                  Duration.ofMillis(500),
                  1);
          DockerEventHub events = new DockerEventHub(docker, registry)) {
        assertThatThrownBy(() -> docker.findNetwork("probe"))
            .isInstanceOf(DockerUnavailableException.class);
        AgentContext agent =
            new AgentContext(
                "node-a", client, docker, events, null, null, new NetworkGuard(), registry);
        Metrics josdk = MicrometerMetricsV2.newBuilder(registry).build();
        Operator operator =
            new Operator(
                o ->
                    o.withKubernetesClient(client).withCloseClientOnStop(false).withMetrics(josdk));
        operator.register(new DockerNetworkAgentReconciler(agent));
        operator.register(new ContainerAttachmentAgentReconciler(agent));
        LiveAgents agents = new LiveAgents(client, "default", Clock.systemUTC());
        ClusterNodes nodes = new ClusterNodes(client);
        operator.register(new DockerNetworkSummaryReconciler(agents, nodes));
        operator.register(new ContainerAttachmentSummaryReconciler(agents, nodes));

        DockerNetwork probe = new DockerNetwork();
        probe.setMetadata(new ObjectMetaBuilder().withName("probe").withGeneration(1L).build());
        for (String controller :
            List.of(
                DockerNetworkAgentReconciler.NAME,
                ContainerAttachmentAgentReconciler.NAME,
                DockerNetworkSummaryReconciler.NAME,
                ContainerAttachmentSummaryReconciler.NAME)) {
          Map<String, Object> meta = Map.of(Constants.CONTROLLER_NAME, controller);
          josdk.reconciliationSubmitted(probe, null, meta);
          josdk.reconciliationStarted(probe, meta);
          josdk.reconciliationFailed(probe, null, new IllegalStateException("probe"), meta);
          josdk.reconciliationSucceeded(probe, meta);
          josdk.reconciliationFinished(probe, null, meta);
        }
        // The reconcilers registered one "in place" gauge per kind; the rest of AgentMetrics
        // registers on first use, so use it, under the gauge names the reconcilers chose.
        for (Meter gauge : registry.getMeters()) {
          String kind = gauge.getId().getTag("kind");
          if (gauge instanceof Gauge && kind != null) {
            AgentMetrics metrics = new AgentMetrics(registry, kind, gauge.getId().getName());
            metrics.reconciled(Duration.ofMillis(3), "Ready");
            metrics.seen("probe", 1);
            metrics.inPlace("probe", 1, true);
            metrics.driftRepaired("probe");
            metrics.nodeError("DockerUnavailable");
            metrics.phase("probe", io.dockernet.operator.api.v1alpha1.Phase.Ready);
          }
        }
      }
      return registry.scrape();
    }

    /** Sample name (e.g. dockernet_reconcile_seconds_bucket) → its label names. */
    static Map<String, Set<String>> seriesLabels(String scrape) {
      Map<String, Set<String>> series = new TreeMap<>();
      Pattern label = Pattern.compile("([a-zA-Z_]\\w*)=\"");
      for (String line : scrape.lines().toList()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        int end = brace >= 0 && brace < space ? brace : space;
        Set<String> labels = series.computeIfAbsent(line.substring(0, end), n -> new TreeSet<>());
        if (end == brace) {
          Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}')));
          while (m.find()) {
            labels.add(m.group(1));
          }
        }
      }
      return series;
    }

    /** Metric family names from the # TYPE lines. */
    static Set<String> families(String scrape) {
      Set<String> families = new TreeSet<>();
      scrape
          .lines()
          .filter(l -> l.startsWith("# TYPE "))
          .forEach(l -> families.add(l.split(" ")[2]));
      return families;
    }
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> name.equals(v.getName()))
        .findFirst()
        .orElseThrow();
  }

  private static EnvVar env(Container c, String name) {
    return c.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst().orElseThrow();
  }
}
