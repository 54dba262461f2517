package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.dockernet.operator.node.AgentHeartbeat;
import io.dockernet.operator.testbed.ChartRbac;
import io.dockernet.operator.testbed.Edits;
import io.dockernet.operator.testbed.HelmChart;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart against the real API server: its manifests pass server-side validation, and the
 * operator works with exactly the chart's RBAC (each role impersonates its ServiceAccount) while
 * what it must not do is refused.
 */
@ExtendWith(TestBedExtension.class)
class HelmChartIT {

  private static TestBed bed;
  private static KubernetesClient kube;
  private static ServiceAccounts accounts;
  private static RunningOperators operators;

  @BeforeAll
  static void installRbacAndStart(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    bed.cleanDocker();
    accounts = ChartRbac.install(kube);
    operators = RunningOperators.startWithServiceAccounts(bed, accounts);
  }

  @AfterAll
  static void stop() {
    if (operators != null) {
      operators.close();
    }
  }

  @Test
  void everyRenderedManifestPassesAServerSideDryRun() {
    ChartRbac.ensureNamespace(kube, ChartRbac.NAMESPACE);
    List<HasMetadata> items =
        HelmChart.chart().namespace(ChartRbac.NAMESPACE).set("controller.replicas", 2).render();
    assertThat(items).extracting(HasMetadata::getKind).contains("DaemonSet", "Deployment");
    for (HasMetadata item : items) {
      kube.resource(item).dryRun().fieldManager("helm").forceConflicts().serverSideApply();
    }
  }

  @Test
  void bothRolesConvergeTheSeedAndCleanUpWithOnlyTheChartsPermissions() {
    kube.resource(network("chart-seed", Map.of(), "198.18.40.0/24")).create();

    Convergence.awaitReady(kube, "DockerNetwork", "chart-seed");
    bed.dockerClients()
        .forEach(
            (node, docker) ->
                assertThat(docker.inspectNetworkCmd().withNetworkId("chart-seed").exec().getName())
                    .as("network on %s", node)
                    .isEqualTo("chart-seed"));

    Convergence.object(kube, "DockerNetwork", "chart-seed").delete();
    Convergence.awaitGone(kube, "DockerNetwork", "chart-seed");
    bed.dockerClients().forEach((node, docker) -> assertNoNetwork(docker, "chart-seed"));
  }

  @Test
  void theAgentIsRefusedSecretsSpecChangesAndTheParentsStatus() {
    kube.resource(network("chart-agent-refusals", Map.of("dockernet.io/none", "true"), null))
        .create();
    try (KubernetesClient agent =
        ChartRbac.impersonating(bed.kubeConfigYaml(), accounts.username(accounts.agent()))) {
      assertForbidden(() -> agent.secrets().inNamespace(ChartRbac.NAMESPACE).list());
      assertForbidden(() -> agent.secrets().inNamespace("default").withName("any").get());
      assertForbidden(
          () ->
              Convergence.object(agent, "DockerNetwork", "chart-agent-refusals")
                  .editStatus(dn -> withStatus(dn, Map.of("ready", "9/9"))));
      assertSpecChangeRefused(agent, "chart-agent-refusals");

      // What it must do still works: its own finalizer, by JSON patch and by update.
      Convergence.object(agent, "DockerNetwork", "chart-agent-refusals")
          .patch(
              PatchContext.of(PatchType.JSON),
              "[{\"op\":\"add\",\"path\":\"/metadata/finalizers\","
                  + "\"value\":[\"nodes.dockernet.io/somewhere\"]}]");
      // The running operator writes this object too (its own finalizers), so the update that
      // carries the resourceVersion it read may meet 409 Conflict: read again and retry.
      Edits.retryOnConflict(
          () ->
              agent
                  .resource(
                      withFinalizers(
                          Convergence.object(agent, "DockerNetwork", "chart-agent-refusals").get(),
                          List.of()))
                  .update());
    } finally {
      Convergence.object(kube, "DockerNetwork", "chart-agent-refusals").delete();
      Convergence.awaitGone(kube, "DockerNetwork", "chart-agent-refusals");
    }
  }

  @Test
  void theControllerIsRefusedSecretsSpecChangesAndWritingNodeReports() {
    kube.resource(network("chart-controller-refusals", Map.of("dockernet.io/none", "true"), null))
        .create();
    try (KubernetesClient controller =
        ChartRbac.impersonating(bed.kubeConfigYaml(), accounts.username(accounts.controller()))) {
      assertForbidden(() -> controller.secrets().inNamespace(ChartRbac.NAMESPACE).list());
      assertForbidden(
          () ->
              controller
                  .resource(
                      new GenericKubernetesResourceBuilder()
                          .withApiVersion(Convergence.API_VERSION)
                          .withKind("DockerNetworkNodeState")
                          .withNewMetadata()
                          .withName("chart-controller-refusals.node-a")
                          .endMetadata()
                          .build())
                  .create());
      assertSpecChangeRefused(controller, "chart-controller-refusals");
    } finally {
      Convergence.object(kube, "DockerNetwork", "chart-controller-refusals").delete();
      Convergence.awaitGone(kube, "DockerNetwork", "chart-controller-refusals");
    }
  }

  @Test
  void theAgentMayWriteItsOwnNodesLeasesOnly() {
    // The node a pod-bound ServiceAccount token names, as the API server sees it.
    Map<String, List<String>> onNodeA = Map.of(ChartRbac.NODE_NAME_EXTRA, List.of("node-a"));
    try (KubernetesClient agent =
            ChartRbac.impersonating(
                bed.kubeConfigYaml(), accounts.username(accounts.agent()), onNodeA);
        KubernetesClient tokenWithoutNode =
            ChartRbac.impersonating(bed.kubeConfigYaml(), accounts.username(accounts.agent()))) {
      // The policy takes a moment to load after install; a dry run changes nothing.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertRefused(
                      () -> dryRunLease(agent, "dockernet-controller", "node-a"),
                      "its node's Leases only"));
      assertRefused(
          () -> dryRunLease(tokenWithoutNode, "dockernet-controller", "node-a"),
          "its node's Leases only");
      assertRefused(
          () -> dryRunLease(agent, AgentHeartbeat.leaseName("node-b"), "node-b"),
          "of its own node only");
      assertForbidden(
          () ->
              agent
                  .leases()
                  .inNamespace("default")
                  .resource(lease(AgentHeartbeat.leaseName("node-a"), "node-a"))
                  .dryRun()
                  .create());

      // The Lease an agent holds to act for its node: its own node's only.
      assertRefused(
          () -> dryRunLease(agent, "dockernet-agent-node-b", "dockernet-agent-node-b"),
          "of its own node only");

      dryRunLease(agent, AgentHeartbeat.leaseName("node-a"), "node-a");
      dryRunLease(agent, "dockernet-agent-node-a", "dockernet-agent-node-a");
      dryRunLease(tokenWithoutNode, AgentHeartbeat.leaseName("node-b"), "node-b");
    }
  }

  private static void dryRunLease(KubernetesClient as, String name, String holder) {
    as.leases()
        .inNamespace(ChartRbac.NAMESPACE)
        .resource(lease(name, holder))
        .dryRun()
        .fieldManager("test")
        .forceConflicts()
        .serverSideApply();
  }

  private static Lease lease(String name, String holder) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ChartRbac.NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder)
        .withLeaseDurationSeconds(40)
        .endSpec()
        .build();
  }

  private static void assertRefused(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(message);
  }

  /**
   * RBAC allows patches and updates (the operator edits its finalizers with both); the chart's
   * admission policy refuses either when it changes the spec. The policy takes a moment to load
   * after install: a dry run, admitted like a real request but changing nothing, is retried until
   * it is refused.
   */
  private static void assertSpecChangeRefused(KubernetesClient as, String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertRefusedByPolicy(
                    () ->
                        as.resource(
                                withSpec(
                                    Convergence.object(as, "DockerNetwork", name).get(),
                                    "internal",
                                    true))
                            .dryRun()
                            .update()));
    assertRefusedByPolicy(
        () ->
            Convergence.object(as, "DockerNetwork", name)
                .edit(dn -> withSpec(dn, "internal", true)));
    assertRefusedByPolicy(
        () ->
            as.resource(
                    withSpec(Convergence.object(as, "DockerNetwork", name).get(), "internal", true))
                .update());
    assertThat(
            (Object) Convergence.object(kube, "DockerNetwork", name).get().get("spec", "internal"))
        .isNull();
  }

  private static void assertRefusedByPolicy(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("may change finalizers only");
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  private static GenericKubernetesResource network(
      String name, Map<String, String> nodeLabels, String subnet) {
    Map<String, Object> spec =
        subnet == null
            ? Map.of("nodeSelector", Map.of("matchLabels", nodeLabels))
            : Map.of("ipam", Map.of("config", List.of(Map.of("subnet", subnet))));
    return Convergence.manifest("DockerNetwork", name, spec);
  }

  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource withSpec(
      GenericKubernetesResource dn, String field, Object value) {
    ((Map<String, Object>) dn.getAdditionalProperties().get("spec")).put(field, value);
    return dn;
  }

  private static GenericKubernetesResource withStatus(
      GenericKubernetesResource dn, Map<String, Object> status) {
    dn.getAdditionalProperties().put("status", status);
    return dn;
  }

  private static GenericKubernetesResource withFinalizers(
      GenericKubernetesResource dn, List<String> finalizers) {
    dn.getMetadata().setFinalizers(finalizers);
    return dn;
  }

  private static void assertNoNetwork(DockerClient docker, String name) {
    assertThat(docker.listNetworksCmd().withNameFilter(name).exec())
        .noneMatch(n -> name.equals(n.getName()));
  }
}
