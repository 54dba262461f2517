package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.dockernet.operator.testbed.ChartRbac;
import io.dockernet.operator.testbed.Repo;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "Install on a cluster", step by step, with helm-java against the test bed's API server:
 * install, a seed network converging (the roles run in this JVM as the release's ServiceAccounts:
 * the test bed has no kubelet to run the pods), an upgrade to a chart whose CRD gained a field
 * (CRDs applied server-side first, since Helm never upgrades them), and an uninstall with live
 * objects: its pre-delete hook (run by {@link HookJobStandIn}) deletes them while the agents still
 * run, refuses to go on while a container the operator does not manage is on a network it would
 * remove, and once that is disconnected leaves no finalizer stuck and nothing on the nodes but what
 * {@code deletionPolicy: Orphan} keeps.
 */
@ExtendWith(TestBedExtension.class)
class ChartLifecycleIT {

  private static final String RELEASE = "lifecycle";
  private static final String NAMESPACE = "dockernet-lifecycle";
  private static final String FULLNAME = RELEASE + "-dockernet-operator";
  private static final String CLEANUP_JOB = FULLNAME + "-uninstall-cleanup";

  @Test
  void installUpgradeAndUninstallAsTheReadmeSays(TestBed bed, @TempDir Path dir) throws Exception {
    KubernetesClient kube = bed.kubernetesClient();
    String kubeconfig = bed.kubeConfigYaml();
    bed.cleanDocker();

    Release installed =
        new Helm(Repo.chart())
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .createNamespace()
            .withKubeConfigContents(kubeconfig)
            .set("image.repository", "registry.example.com/dockernet-operator")
            .set("image.tag", "0.1.0")
            .set("uninstallCleanup.timeoutSeconds", "15")
            .call();
    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(kube.apps().daemonSets().inNamespace(NAMESPACE).withName(FULLNAME + "-agent").get())
        .extracting(DaemonSet::getSpec)
        .satisfies(
            s ->
                assertThat(s.getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo("registry.example.com/dockernet-operator:0.1.0"));

    ServiceAccounts accounts =
        new ServiceAccounts(NAMESPACE, FULLNAME + "-agent", FULLNAME + "-controller");
    awaitAllowed(kube, accounts);
    DockerClient nodeA = bed.node("node-a").docker();
    DockerClient nodeB = bed.node("node-b").docker();
    try (RunningOperators operators = RunningOperators.startWithServiceAccounts(bed, accounts)) {
      kube.resource(network("lifecycle-net", "198.18.70.0/24", "Delete")).create();
      kube.resource(network("lifecycle-kept", "198.18.71.0/24", "Orphan")).create();
      Convergence.awaitReady(kube, "DockerNetwork", "lifecycle-net");
      Convergence.awaitReady(kube, "DockerNetwork", "lifecycle-kept");
      TestBed.runBusybox(nodeA, "lifecycle-app");
      kube.resource(
              Convergence.manifest(
                  "ContainerAttachment",
                  "lifecycle-app",
                  Map.of(
                      "container",
                      "lifecycle-app",
                      "network",
                      "lifecycle-net",
                      "nodeSelector",
                      Convergence.onNode("node-a"))))
          .create();
      Convergence.awaitReady(kube, "ContainerAttachment", "lifecycle-app");

      // Upgrade: the next chart's DockerNetwork CRD has a new field.
      Path next = Repo.copyOfChart(dir.resolve("dockernet-operator"));
      addSpecField(next.resolve("crds/dockernetworks.dockernet.io-v1.yml"), "upgradeProbe");
      Release upgraded =
          new Helm(next)
              .upgrade()
              .withName(RELEASE)
              .withNamespace(NAMESPACE)
              .withKubeConfigContents(kubeconfig)
              .resetThenReuseValues()
              .call();
      assertThat(upgraded.getRevision()).isEqualTo("2");
      assertThat(specFields(kube)).as("helm upgrade alone").doesNotContain("upgradeProbe");
      applyCrdsServerSide(kube, next.resolve("crds"));
      assertThat(specFields(kube)).as("after the README's CRD step").contains("upgradeProbe");
      Convergence.awaitReady(kube, "DockerNetwork", "lifecycle-net");

      // Uninstall with live objects, while a container the operator does not manage sits on a
      // network it would remove: the hook deletes what it can, then fails naming what is held,
      // and the release stays (nothing of the user's is disconnected).
      String legacy = TestBed.runBusybox(nodeB, "lifecycle-legacy");
      nodeB.connectToNetworkCmd().withNetworkId("lifecycle-net").withContainerId(legacy).exec();
      try (HookJobStandIn hook = HookJobStandIn.forJob(bed, NAMESPACE, CLEANUP_JOB)) {
        assertThatThrownBy(() -> uninstall(kubeconfig))
            .hasMessageContaining("job " + CLEANUP_JOB + " failed");
        assertThat(hook.outcome().exitCode()).isEqualTo(1);
        assertThat(hook.outcome().held())
            .singleElement(STRING)
            .contains(
                "DockerNetwork lifecycle-net",
                "[node-b]",
                "Blocked ForeignEndpoints",
                "lifecycle-legacy");
      }
      assertThat(
              Helm.list().withKubeConfigContents(kubeconfig).withNamespace(NAMESPACE).all().call())
          .extracting(Release::getName)
          .contains(RELEASE);
      assertThat(TestBed.containersOn(nodeB, "lifecycle-net")).containsExactly("lifecycle-legacy");
      assertThat(nodeA.listNetworksCmd().withNameFilter("lifecycle-net").exec())
          .as("removed where nothing held it, the attachment released first")
          .isEmpty();
      assertThat(nodeA.inspectContainerCmd("lifecycle-app").exec().getState().getRunning())
          .isTrue();
      assertThat(Convergence.object(kube, "ContainerAttachment", "lifecycle-app").get()).isNull();
      assertThat(Convergence.object(kube, "DockerNetwork", "lifecycle-kept").get()).isNull();
      assertThat(Convergence.object(kube, "DockerNetwork", "lifecycle-net").get())
          .as("held by node-b's agent")
          .isNotNull();

      // The admin disconnects the container; uninstall again goes through.
      nodeB
          .disconnectFromNetworkCmd()
          .withNetworkId("lifecycle-net")
          .withContainerId(legacy)
          .exec();
      try (HookJobStandIn hook = HookJobStandIn.forJob(bed, NAMESPACE, CLEANUP_JOB)) {
        uninstall(kubeconfig);
        assertThat(hook.outcome().exitCode()).isZero();
      }
    }
    for (Path crd : crdFiles(Repo.chart().resolve("crds"))) {
      try (InputStream in = Files.newInputStream(crd)) {
        kube.apiextensions().v1().customResourceDefinitions().load(in).delete();
      }
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(kube.apiextensions().v1().customResourceDefinitions().list().getItems())
                    .extracting(c -> c.getSpec().getGroup())
                    .doesNotContain("dockernet.io"));
    assertThat(kube.apps().daemonSets().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    assertThat(kube.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
        .as("the hook Job, removed once it succeeded")
        .isEmpty();
    assertThat(
            kube.rbac()
                .clusterRoles()
                .withLabel("app.kubernetes.io/instance", RELEASE)
                .list()
                .getItems())
        .isEmpty();
    bed.dockerClients()
        .forEach(
            (node, docker) -> {
              List<String> names =
                  docker.listNetworksCmd().exec().stream().map(Network::getName).toList();
              assertThat(names).as("networks on %s", node).doesNotContain("lifecycle-net");
              assertThat(names).as("Orphan kept on %s", node).contains("lifecycle-kept");
            });
    assertThat(nodeB.inspectContainerCmd("lifecycle-legacy").exec().getState().getRunning())
        .isTrue();
  }

  private static GenericKubernetesResource network(
      String name, String subnet, String deletionPolicy) {
    return Convergence.manifest(
        "DockerNetwork",
        name,
        Map.of("deletionPolicy", deletionPolicy, "ipam", Convergence.ipam(subnet)));
  }

  private static void uninstall(String kubeconfig) {
    Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig).call();
  }

  private static void awaitAllowed(KubernetesClient kube, ServiceAccounts accounts) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ChartRbac.allowed(
                    kube,
                    accounts.username(accounts.agent()),
                    "list",
                    "dockernet.io",
                    "dockernetworks",
                    null));
  }

  /** `kubectl apply --server-side --force-conflicts -f crds/`. */
  private static void applyCrdsServerSide(KubernetesClient kube, Path crds) throws IOException {
    for (Path file : crdFiles(crds)) {
      try (InputStream in = Files.newInputStream(file)) {
        CustomResourceDefinition crd =
            kube.apiextensions().v1().customResourceDefinitions().load(in).item();
        kube.resource(crd).fieldManager("kubectl").forceConflicts().serverSideApply();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static java.util.Set<String> specFields(KubernetesClient kube) {
    CustomResourceDefinition crd =
        kube.apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("dockernetworks.dockernet.io")
            .get();
    return crd.getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec")
        .getProperties()
        .keySet();
  }

  /** Adds a string field to the first version's spec properties. */
  private static void addSpecField(Path crdFile, String field) throws IOException {
    String yaml = Files.readString(crdFile);
    String properties = "\n            properties:\n";
    int at = yaml.indexOf(properties, yaml.indexOf("\n          spec:\n")) + properties.length();
    assertThat(at).isGreaterThan(properties.length());
    Files.writeString(
        crdFile,
        yaml.substring(0, at)
            + "              "
            + field
            + ":\n                type: \"string\"\n"
            + yaml.substring(at));
  }

  private static List<Path> crdFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }
}
