package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
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
 * (CRDs applied server-side first, since Helm never upgrades them), and the uninstall order that
 * leaves no finalizer stuck and nothing behind on the nodes.
 */
@ExtendWith(TestBedExtension.class)
class ChartLifecycleIT {

  private static final String RELEASE = "lifecycle";
  private static final String NAMESPACE = "dockernet-lifecycle";
  private static final String FULLNAME = RELEASE + "-dockernet-operator";

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
    try (RunningOperators operators = RunningOperators.startWithServiceAccounts(bed, accounts)) {
      kube.resource(network("lifecycle-net", "198.18.70.0/24")).create();
      Convergence.awaitReady(kube, "DockerNetwork", "lifecycle-net");

      // Upgrade: the next chart's DockerNetwork CRD has a new field.
      Path next = copyChart(dir.resolve("dockernet-operator"));
      addSpecField(next.resolve("crds/dockernetworks.dockernet.io-v1.yml"), "upgradeProbe");
      Release upgraded =
          new Helm(next)
              .upgrade()
              .withName(RELEASE)
              .withNamespace(NAMESPACE)
              .withKubeConfigContents(kubeconfig)
              .reuseValues()
              .call();
      assertThat(upgraded.getRevision()).isEqualTo("2");
      assertThat(specFields(kube)).as("helm upgrade alone").doesNotContain("upgradeProbe");
      applyCrdsServerSide(kube, next.resolve("crds"));
      assertThat(specFields(kube)).as("after the README's CRD step").contains("upgradeProbe");
      Convergence.awaitReady(kube, "DockerNetwork", "lifecycle-net");

      // Uninstall: objects first, while the agents still run, then the release, then the CRDs.
      Convergence.object(kube, "DockerNetwork", "lifecycle-net").delete();
      Convergence.awaitGone(kube, "DockerNetwork", "lifecycle-net");
    }
    Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig).call();
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
    assertThat(
            kube.rbac()
                .clusterRoles()
                .withLabel("app.kubernetes.io/instance", RELEASE)
                .list()
                .getItems())
        .isEmpty();
    bed.dockerClients()
        .forEach(
            (node, docker) ->
                assertThat(docker.listNetworksCmd().exec())
                    .as("networks left on %s", node)
                    .noneMatch(n -> n.getName().equals("lifecycle-net")));
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

  private static GenericKubernetesResource network(String name, String subnet) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("dockernet.io/v1alpha1")
        .withKind("DockerNetwork")
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToAdditionalProperties(
            "spec", Map.of("ipam", Map.of("config", List.of(Map.of("subnet", subnet)))))
        .build();
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

  private static Path copyChart(Path target) throws IOException {
    Path source = Repo.chart();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  private static List<Path> crdFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }
}
