package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.marcnuri.helm.Helm;
import io.dockernet.operator.testbed.ChartRbac;
import io.dockernet.operator.testbed.HelmChart;
import io.dockernet.operator.testbed.Repo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerFetchException;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Opt-in end to end on a real cluster ({@code mvn -B -pl operator verify -Pk3s-e2e}): k3s in a
 * container (Testcontainers), the image built from the Dockerfile and imported into k3s's
 * containerd, the Helm chart installed with the node's Docker socket being the daemon
 * Testcontainers uses (bind-mounted into the k3s container), then the seed DockerNetwork must
 * converge and be cleaned up again. The network gets e2e names and 198.18.90.0/24 so that it never
 * meets a real one on that daemon.
 *
 * <p>Skips with a one-line reason where there is no Docker daemon, or the k3s image (override with
 * {@code -Dk3s.image=...}), the Dockerfile's BUILD_IMAGE or BASE_IMAGE or Testcontainers' own
 * images cannot be pulled. Anything else that goes wrong fails it.
 */
class K3sIT {

  private static final DockerImageName K3S =
      DockerImageName.parse(System.getProperty("k3s.image", "rancher/k3s:v1.32.3-k3s1"));

  /** The Dockerfile's default BASE_IMAGE. */
  private static final DockerImageName BASE_IMAGE = DockerImageName.parse("eclipse-temurin:17-jre");

  /** The Dockerfile's default BUILD_IMAGE: its build stage runs Maven there. */
  private static final DockerImageName BUILD_IMAGE =
      DockerImageName.parse("maven:3.9-eclipse-temurin-17");

  private static final String IMAGE = "dockernet/dockernet-operator:e2e";
  private static final String NAMESPACE = "dockernet-system";

  @Test
  void theChartInstalledIntoK3sConvergesTheSeed() throws Exception {
    // A plain client first: any use of Testcontainers' own starts (and pulls) its Ryuk container.
    String env = System.getenv("DOCKER_HOST");
    String host = env == null || env.isBlank() ? "unix:///var/run/docker.sock" : env;
    try (DockerClient plain = plainClient(URI.create(host))) {
      try {
        plain.pingCmd().exec();
      } catch (RuntimeException e) {
        abort("k3s end to end skipped: no Docker daemon at " + host + " (set DOCKER_HOST)");
      }
      pullOrSkip(plain, K3S);
      pullOrSkip(plain, BASE_IMAGE);
      pullOrSkip(plain, BUILD_IMAGE);
    }
    DockerClient docker = testcontainersClientOrSkip();
    build(docker);

    try (K3sContainer k3s =
        new K3sContainer(K3S)
            .withFileSystemBind(
                DockerClientFactory.instance().getRemoteDockerUnixSocketPath(),
                "/var/run/docker.sock")) {
      try {
        k3s.start();
      } catch (ContainerFetchException e) {
        abort(
            "k3s end to end skipped: Testcontainers cannot fetch its images ("
                + firstLine(e)
                + ")");
      }
      importImage(docker, k3s);
      String socketGroup =
          k3s.execInContainer("stat", "-c", "%g", "/var/run/docker.sock").getStdout().trim();
      try (KubernetesClient kube =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
              .build()) {
        ChartRbac.ensureNamespace(kube, NAMESPACE);
        new Helm(Repo.chart())
            .install()
            .withName(HelmChart.RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeConfigContents(k3s.getKubeConfigYaml())
            .set("image.repository", IMAGE.split(":")[0])
            .set("image.tag", IMAGE.split(":")[1])
            .set("image.pullPolicy", "Never")
            .set("docker.groupId", socketGroup)
            .waitReady()
            .withTimeout(300)
            .call();

        kube.resource(seed()).create();
        try {
          Convergence.awaitReady(kube, "DockerNetwork", "mynetwork");
          assertThat(docker.inspectNetworkCmd().withNetworkId("dockernet-e2e").exec().getOptions())
              .containsEntry("com.docker.network.bridge.name", "dn-e2e");
        } finally {
          Convergence.object(kube, "DockerNetwork", "mynetwork").delete();
          Convergence.awaitGone(kube, "DockerNetwork", "mynetwork");
        }
        assertThat(docker.listNetworksCmd().withNameFilter("dockernet-e2e").exec())
            .noneMatch(n -> n.getName().equals("dockernet-e2e"));
      }
    }
  }

  /** Pulls an image unless present; a registry out of reach skips the test. */
  private static void pullOrSkip(DockerClient docker, DockerImageName image)
      throws InterruptedException {
    String name = image.asCanonicalNameString();
    if (present(docker, name)) {
      return;
    }
    try {
      docker
          .pullImageCmd(image.getUnversionedPart())
          .withTag(image.getVersionPart())
          .start()
          .awaitCompletion(10, TimeUnit.MINUTES);
    } catch (RuntimeException e) {
      abort("k3s end to end skipped: cannot pull " + name + " here (" + firstLine(e) + ")");
    }
    // A failed pull may end without an exception: what counts is whether the image is there.
    assumeTrue(present(docker, name), "k3s end to end skipped: cannot pull " + name + " here");
  }

  private static DockerClient plainClient(URI host) {
    return DockerClientImpl.getInstance(
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(host.toString())
            .build(),
        new ZerodepDockerHttpClient.Builder().dockerHost(host).build());
  }

  private static DockerClient testcontainersClientOrSkip() {
    try {
      return DockerClientFactory.instance().client();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ContainerFetchException) {
          abort(
              "k3s end to end skipped: Testcontainers cannot pull its images ("
                  + firstLine(t)
                  + ")");
        }
      }
      throw e;
    }
  }

  private static boolean present(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** The Dockerfile with its default BUILD_IMAGE and BASE_IMAGE, as from a clean clone. */
  private static void build(DockerClient docker) {
    docker
        .buildImageCmd()
        .withDockerfile(Repo.root().resolve("Dockerfile").toFile())
        .withBaseDirectory(Repo.root().toFile())
        .withTags(Set.of(IMAGE))
        .exec(new BuildImageResultCallback())
        .awaitImageId(10, TimeUnit.MINUTES);
  }

  /** docker save, then containerd's import inside the k3s node: no registry between them. */
  private static void importImage(DockerClient docker, K3sContainer k3s) throws Exception {
    Path tar = Files.createTempFile("dockernet-operator", ".tar");
    try (InputStream image = docker.saveImageCmd(IMAGE).exec()) {
      Files.copy(image, tar, StandardCopyOption.REPLACE_EXISTING);
      k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/operator.tar");
      var result =
          k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/operator.tar");
      assertThat(result.getExitCode()).as(result.getStderr()).isZero();
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  /** examples/01-seed-mynetwork.yaml with e2e names and a test subnet. */
  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource seed() throws IOException {
    String yaml =
        new ExampleAddresses(90)
            .rewrite(Files.readString(Repo.examples().resolve("01-seed-mynetwork.yaml")))
            .replace(
                "com.docker.network.bridge.name: docker1",
                "com.docker.network.bridge.name: dn-e2e");
    GenericKubernetesResource seed = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    ((Map<String, Object>) seed.getAdditionalProperties().get("spec"))
        .put("networkName", "dockernet-e2e");
    return seed;
  }

  private static String firstLine(Throwable e) {
    // docker-java's messages carry the daemon's JSON; its first line says enough.
    String message = String.valueOf(e.getMessage());
    return message.lines().findFirst().orElse(message);
  }
}
