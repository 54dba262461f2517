package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.dockernet.operator.testbed.TestBed;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Docker daemon for the gateway ITs, with a docker-java client of its own for what a gateway
 * does not do (containers) and for cleaning up after a test: everything a test made carries one
 * label, and {@link #removeLeftovers} removes what carries it.
 *
 * <p>The daemons are the test bed's, one per Engine ({@link TestBed#onePerEngine}: 20.10, 28.5.2
 * refusing API versions below 1.44, 26.1.5), or the one {@value #HOST_SETTING} names (system
 * property or environment variable). A daemon needs the image {@code dockernet/busybox:latest}
 * ({@code hack/busybox-image.sh}). Without a daemon the tests fail, they are not skipped.
 */
final class RealDaemon implements AutoCloseable {

  static final String HOST_SETTING = "DOCKERNET_IT_DOCKER_HOST";
  static final String IMAGE = "dockernet/busybox:latest";

  private final URI dockerHost;
  private final DockerClient fixtures;
  private final String label;

  private RealDaemon(URI dockerHost, DockerClient fixtures, String label) {
    this.dockerHost = dockerHost;
    this.fixtures = fixtures;
    this.label = label;
  }

  /** The daemons to run against: one node per Engine of the test bed, or the one configured. */
  static List<String> daemons() {
    String setting = System.getProperty(HOST_SETTING, System.getenv(HOST_SETTING));
    if (setting != null && !setting.isBlank()) {
      return List.of(setting);
    }
    TestBed bed = TestBed.get();
    return bed.onePerEngine().stream().map(node -> bed.node(node).dockerHost().toString()).toList();
  }

  /**
   * Connects to a daemon and removes what an aborted earlier run left there under {@code testLabel}
   * ({@code key=value}); fails the test when the daemon or its image is missing.
   */
  static RealDaemon connect(String daemon, String testLabel) {
    URI dockerHost = URI.create(daemon);
    if ("unix".equals(dockerHost.getScheme()) && !Files.exists(Path.of(dockerHost.getPath()))) {
      fail(
          "No Docker daemon socket at %s: run `hack/nodes.sh start` or point %s at a daemon",
          dockerHost, HOST_SETTING);
    }
    DockerClient fixtures =
        DockerClientImpl.getInstance(
            new DefaultDockerClientConfig.Builder()
                .withDockerHost(dockerHost.toString())
                .withDockerTlsVerify(false)
                .build(),
            new ZerodepDockerHttpClient.Builder().dockerHost(dockerHost).build());
    try {
      fixtures.inspectImageCmd(IMAGE).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      fail("Image %s missing on %s: run `hack/busybox-image.sh %s`", IMAGE, dockerHost, dockerHost);
    }
    RealDaemon real = new RealDaemon(dockerHost, fixtures, testLabel);
    real.removeLeftovers();
    return real;
  }

  URI dockerHost() {
    return dockerHost;
  }

  /** A docker-java client of the daemon, in docker-java's default API version. */
  DockerClient fixtures() {
    return fixtures;
  }

  /** {@code docker run -d --name NAME dockernet/busybox} with these labels and settings. */
  String startContainer(
      String name, Map<String, String> labels, Consumer<CreateContainerCmd> settings) {
    CreateContainerCmd create = fixtures.createContainerCmd(IMAGE).withName(name);
    create.withLabels(labels);
    settings.accept(create);
    String id = create.exec().getId();
    fixtures.startContainerCmd(id).exec();
    return id;
  }

  /** Containers first (they hold endpoints), then networks. */
  void removeLeftovers() {
    for (Container container :
        fixtures.listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec()) {
      fixtures.removeContainerCmd(container.getId()).withForce(true).exec();
    }
    for (Network network : fixtures.listNetworksCmd().withFilter("label", List.of(label)).exec()) {
      fixtures.removeNetworkCmd(network.getId()).exec();
    }
  }

  @Override
  public void close() throws IOException {
    fixtures.close();
  }
}
