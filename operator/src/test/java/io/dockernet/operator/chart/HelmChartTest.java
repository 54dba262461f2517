package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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
    assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(agent.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080);
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
  void theValuesSchemaRejectsAGroupNameWhereTheGroupIdBelongs() {
    assertThatThrownBy(() -> HelmChart.chart().set("docker.groupId", "docker").renderYaml())
        .hasMessageContaining("groupId");
  }

  @Test
  void theChartShipsExactlyTheGeneratedCrds() throws IOException {
    Path chartCrds = Repo.chart().resolve("crds");
    Path repoCrds = Repo.root().resolve("crds");
    try (Stream<Path> files = Files.list(repoCrds)) {
      for (Path crd : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        String name = crd.getFileName().toString().replace(".yaml", "-v1.yml");
        assertThat(chartCrds.resolve(name))
            .as("helm/dockernet-operator/crds/%s (copied by mvn process-classes)", name)
            .hasSameTextualContentAs(crd);
      }
    }
    try (Stream<Path> files = Files.list(chartCrds)) {
      assertThat(files.count()).isEqualTo(countYaml(repoCrds));
    }
  }

  private static long countYaml(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).count();
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
