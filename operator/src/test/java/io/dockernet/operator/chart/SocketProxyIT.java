package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import io.dockernet.operator.Keys;
import io.dockernet.operator.testbed.HelmChart;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's Docker socket proxy ({@code docker.socketProxy}): the image of
 * socket-proxy/Dockerfile (Debian's haproxy), built on node-a without a registry and run there with
 * the configuration the chart renders, in front of node-a's Engine; node-a's agent talks to the
 * Engine only through it. The agent converges a network and an attachment and repairs drift (the
 * event stream passes too); what the agent never calls, such as creating or listing containers, is
 * refused with 403 and nothing changes on the node.
 */
@ExtendWith(TestBedExtension.class)
class SocketProxyIT {

  private static final String CONFIG_MAP = "dockernet-operator-docker-socket-proxy";
  private static final String CONFIG = "docker-socket-proxy.cfg";
  private static final String BASE_IMAGE = "dockernet/haproxy-offline:2.6";
  private static final String IMAGE = "dockernet/docker-socket-proxy:it";
  private static final String NAME = "dockernet-socket-proxy";

  @Test
  void theAgentConvergesThroughTheProxyWhichRefusesEveryOtherCall(TestBed bed, @TempDir Path dir)
      throws Exception {
    KubernetesClient kube = bed.kubernetesClient();
    bed.cleanDocker();
    DockerClient nodeA = bed.node("node-a").docker();
    Path proxySocket = dir.resolve("proxy/docker.sock");
    try (ProxyContainer proxy = ProxyContainer.start(bed.node("node-a"), chartConfig(), dir);
        RunningOperators operators = RunningOperators.start(bed)) {
      operators.startAgent("node-a", URI.create("unix://" + proxySocket));

      kube.resource(
              Convergence.manifest(
                  "DockerNetwork",
                  "proxy-net",
                  Map.of(
                      "nodeSelector",
                      Convergence.onNode("node-a"),
                      "ipam",
                      Convergence.ipam("198.18.72.0/24"))))
          .create();
      Convergence.awaitReady(kube, "DockerNetwork", "proxy-net");
      TestBed.runBusybox(
          nodeA, "proxy-app", c -> c.withLabels(Map.of(Keys.DOCKER_ATTACHABLE, "true")));
      kube.resource(
              Convergence.manifest(
                  "ContainerAttachment",
                  "proxy-app",
                  Map.of(
                      "container",
                      "proxy-app",
                      "network",
                      "proxy-net",
                      "nodeSelector",
                      Convergence.onNode("node-a"))))
          .create();
      Convergence.awaitReady(kube, "ContainerAttachment", "proxy-app");
      assertThat(TestBed.containersOn(nodeA, "proxy-net")).containsExactly("proxy-app");

      // Drift, repaired from the event stream that runs through the proxy.
      nodeA
          .disconnectFromNetworkCmd()
          .withNetworkId("proxy-net")
          .withContainerId("proxy-app")
          .exec();
      await()
          .alias("proxy-app reconnected through the proxy")
          .atMost(Convergence.CONVERGE)
          .until(() -> TestBed.containersOn(nodeA, "proxy-net").contains("proxy-app"));

      // Everything else is refused at the proxy.
      int containersBefore = nodeA.listContainersCmd().withShowAll(true).exec().size();
      try (DockerClient viaProxy = TestBed.dockerClient(proxySocket)) {
        assertThatThrownBy(
                () -> viaProxy.createContainerCmd(TestBed.IMAGE).withName("proxy-escape").exec())
            .isInstanceOf(DockerException.class)
            .hasMessageContaining("403");
        assertThatThrownBy(() -> viaProxy.listContainersCmd().exec())
            .isInstanceOf(DockerException.class)
            .hasMessageContaining("403");
        assertThatThrownBy(() -> viaProxy.listImagesCmd().exec())
            .isInstanceOf(DockerException.class)
            .hasMessageContaining("403");
        assertThat(viaProxy.inspectNetworkCmd().withNetworkId("proxy-net").exec().getName())
            .isEqualTo("proxy-net");
      }
      assertThat(nodeA.listContainersCmd().withShowAll(true).exec()).hasSize(containersBefore);
      assertThat(proxy.log()).contains("403");
    }
  }

  /** The configuration the chart renders into the sidecar's ConfigMap. */
  private static String chartConfig() {
    ConfigMap map =
        HelmChart.find(
            HelmChart.chart().set("docker.socketProxy.enabled", true).render(),
            ConfigMap.class,
            CONFIG_MAP);
    return map.getData().get(CONFIG);
  }

  /**
   * The proxy image built from socket-proxy/Dockerfile on the node (its Debian base made offline),
   * run as the chart runs the sidecar: non-root with the socket's group, read-only, no
   * capabilities, no network, the node's socket and a shared directory for its own socket mounted.
   */
  private record ProxyContainer(DockerCli docker) implements AutoCloseable {

    static ProxyContainer start(TestNode node, String config, Path dir) throws IOException {
      Commands.run(
          Duration.ofMinutes(2),
          Map.of(),
          List.of("bash", "hack/offline-haproxy-image.sh", node.socket().toString(), BASE_IMAGE));
      DockerCli docker = new DockerCli(node.socket());
      docker.run("build", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, "-t", IMAGE, "socket-proxy");
      Path configDir = Files.createDirectories(dir.resolve("config"));
      Files.writeString(configDir.resolve(CONFIG), config);
      Path socketDir = Files.createDirectories(dir.resolve("proxy"));
      // The pod's emptyDir is writable by the pod's user; here the directory is.
      Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxrwxrwx"));
      docker.run(
          "run",
          "-d",
          "--name",
          NAME,
          "--user",
          "65532:65532",
          "--group-add",
          Files.getAttribute(node.socket(), "unix:gid").toString(),
          "--read-only",
          "--cap-drop",
          "ALL",
          "--security-opt",
          "no-new-privileges",
          "--network",
          "none",
          "-v",
          node.socket() + ":/var/run/docker.sock",
          "-v",
          socketDir + ":/run/dockernet-proxy",
          "-v",
          configDir + ":/etc/dockernet-proxy:ro",
          IMAGE);
      Path socket = socketDir.resolve("docker.sock");
      await()
          .alias("the proxy listening on " + socket)
          .atMost(Duration.ofSeconds(20))
          .until(() -> Files.exists(socket) || !running(docker));
      assertThat(running(docker)).as("proxy runs: %s", docker.tryRun("logs", NAME)).isTrue();
      return new ProxyContainer(docker);
    }

    private static boolean running(DockerCli docker) {
      return docker.tryRun("inspect", "-f", "{{.State.Running}}", NAME).equals("true");
    }

    String log() {
      return docker.run("logs", NAME);
    }

    @Override
    public void close() {
      docker.tryRun("rm", "-f", NAME);
    }
  }
}
