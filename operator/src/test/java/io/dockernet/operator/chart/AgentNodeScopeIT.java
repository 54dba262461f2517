package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.testbed.ChartRbac;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
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
 * An agent acts for its own node only, as the API server enforces it: node-a's agent (the chart's
 * ServiceAccount with the node claim of a pod-bound token on node-a) tries what a compromised agent
 * would against node-b, and each attempt is refused with the policy's reason while node-b's
 * network, report and finalizer stay as they were.
 */
@ExtendWith(TestBedExtension.class)
class AgentNodeScopeIT {

  private static final String NETWORK = "scope-net";
  private static final String A = "node-a";
  private static final String B = "node-b";

  private static TestBed bed;
  private static KubernetesClient kube;
  private static ServiceAccounts accounts;
  private static RunningOperators operators;

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    bed.cleanDocker();
    accounts = ChartRbac.install(kube);
    operators = RunningOperators.startWithServiceAccounts(bed, accounts);
    kube.resource(network()).create();
    Convergence.awaitReady(kube, "DockerNetwork", NETWORK);
  }

  @AfterAll
  static void stop() {
    try {
      if (kube != null) {
        Convergence.object(kube, "DockerNetwork", NETWORK).delete();
        Convergence.awaitGone(kube, "DockerNetwork", NETWORK);
      }
    } finally {
      if (operators != null) {
        operators.close();
      }
    }
  }

  @Test
  void nodeAsAgentCannotRemoveNodeBsFinalizer() {
    try (KubernetesClient agentA = ChartRbac.asAgentOn(bed.kubeConfigYaml(), accounts, A)) {
      GenericKubernetesResource dn = Convergence.object(agentA, "DockerNetwork", NETWORK).get();
      int index = dn.getMetadata().getFinalizers().indexOf("nodes.dockernet.io/" + B);
      assertThat(index).as("node-b's finalizer").isNotNegative();
      // The policy takes a moment to load after install; a dry run changes nothing.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertRefused(
                      () ->
                          Convergence.object(agentA, "DockerNetwork", NETWORK)
                              .dryRun()
                              .patch(
                                  PatchContext.of(PatchType.JSON),
                                  "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers/"
                                      + index
                                      + "\"}]"),
                      "may add or remove only its own node's finalizer (nodes.dockernet.io/node-a),"
                          + " not nodes.dockernet.io/node-b"));
      GenericKubernetesResource stripped =
          Convergence.object(agentA, "DockerNetwork", NETWORK).get();
      stripped.getMetadata().getFinalizers().remove("nodes.dockernet.io/" + B);
      assertRefused(() -> agentA.resource(stripped).update(), "nodes.dockernet.io/node-b");
      GenericKubernetesResource added = Convergence.object(agentA, "DockerNetwork", NETWORK).get();
      added.getMetadata().getFinalizers().add("nodes.dockernet.io/node-c-forged");
      assertRefused(() -> agentA.resource(added).dryRun().update(), "node-c-forged");

      // Its own finalizer it may take off and put back (dry runs: the agent keeps it).
      GenericKubernetesResource own = Convergence.object(agentA, "DockerNetwork", NETWORK).get();
      own.getMetadata().getFinalizers().remove("nodes.dockernet.io/" + A);
      agentA.resource(own).dryRun().update();
    }
    assertThat(
            Convergence.object(kube, "DockerNetwork", NETWORK).get().getMetadata().getFinalizers())
        .contains("nodes.dockernet.io/" + A, "nodes.dockernet.io/" + B);
    assertThat(bed.node(B).docker().inspectNetworkCmd().withNetworkId(NETWORK).exec().getName())
        .isEqualTo(NETWORK);
  }

  @Test
  void nodeAsAgentCannotWriteOrDeleteNodeBsReports() {
    GenericKubernetesResource reportB = report("DockerNetworkNodeState", NETWORK + "." + B);
    assertThat(reportB).as("node-b's report").isNotNull();
    Object statusBefore = reportB.getAdditionalProperties().get("status");
    try (KubernetesClient agentA = ChartRbac.asAgentOn(bed.kubeConfigYaml(), accounts, A)) {
      // A forged report for node-b naming a victim container: node-b's agent would take the
      // victim's endpoint for one of its own and disconnect it on cleanup.
      GenericKubernetesResource forged =
          new GenericKubernetesResourceBuilder()
              .withApiVersion(Convergence.API_VERSION)
              .withKind("ContainerAttachmentNodeState")
              .withNewMetadata()
              .withName("victim." + B)
              .withLabels(
                  Map.of("dockernet.io/node", B, "dockernet.io/container-attachment", "victim"))
              .endMetadata()
              .build();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertRefused(
                      () -> agentA.resource(forged).dryRun().create(),
                      "agent on node node-a may write only that node's reports"));
      assertRefused(() -> agentA.resource(forged).create(), "not victim.node-b");
      // Labelled for its own node but named for node-b's: refused too.
      forged.getMetadata().setLabels(Map.of("dockernet.io/node", A));
      assertRefused(() -> agentA.resource(forged).create(), "not victim.node-b");

      GenericKubernetesResource overwrite = report("DockerNetworkNodeState", NETWORK + "." + B);
      overwrite.getAdditionalProperties().put("status", Map.of("phase", "Ready"));
      assertRefused(() -> apply(agentA, overwrite), "not scope-net.node-b");
      GenericKubernetesResource relabelled = report("DockerNetworkNodeState", NETWORK + "." + A);
      relabelled.getMetadata().getLabels().put("dockernet.io/node", B);
      assertRefused(() -> apply(agentA, relabelled), "not scope-net.node-a");
      assertRefused(
          () ->
              agentA
                  .genericKubernetesResources(Convergence.API_VERSION, "DockerNetworkNodeState")
                  .withName(NETWORK + "." + B)
                  .delete(),
          "not scope-net.node-b");

      // Its own report it may write.
      apply(agentA, report("DockerNetworkNodeState", NETWORK + "." + A));
    }
    assertThat(report("ContainerAttachmentNodeState", "victim." + B)).isNull();
    assertThat(report("DockerNetworkNodeState", NETWORK + "." + B).getAdditionalProperties())
        .containsEntry("status", statusBefore);
  }

  /** A dry-run server-side apply, the agent's way of writing its reports. */
  private static void apply(KubernetesClient as, GenericKubernetesResource report) {
    report.getMetadata().setManagedFields(null);
    report.getMetadata().setResourceVersion(null);
    as.resource(report).dryRun().fieldManager("forged").forceConflicts().serverSideApply();
  }

  private static GenericKubernetesResource report(String kind, String name) {
    return kube.genericKubernetesResources(Convergence.API_VERSION, kind).withName(name).get();
  }

  private static void assertRefused(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining(message);
  }

  private static GenericKubernetesResource network() {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(Convergence.API_VERSION)
        .withKind("DockerNetwork")
        .withNewMetadata()
        .withName(NETWORK)
        .endMetadata()
        .addToAdditionalProperties(
            "spec",
            Map.of(
                "ipam",
                Map.of("config", List.of(Map.of("subnet", "198.18.41.0/24"))),
                "nodeSelector",
                Map.of(
                    "matchExpressions",
                    List.of(
                        Map.of(
                            "key",
                            "kubernetes.io/hostname",
                            "operator",
                            "In",
                            "values",
                            List.of(A, B))))))
        .build();
  }
}
