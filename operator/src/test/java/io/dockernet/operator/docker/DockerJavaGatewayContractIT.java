package io.dockernet.operator.docker;

import com.github.dockerjava.api.model.HostConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DockerJavaGateway} holds to the gateway contract on every Engine of the test bed (see
 * {@link RealDaemon} for which daemons, and what they need).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("daemons")
class DockerJavaGatewayContractIT extends DockerGatewayContract {

  /** The daemon of this invocation (also handed to the per-invocation set-up below). */
  @Parameter String daemon;

  private static RealDaemon real;
  private static DockerJavaGateway gateway;

  static List<String> daemons() {
    return RealDaemon.daemons();
  }

  @BeforeParameterizedClassInvocation
  static void connectToDaemon(String daemon) {
    real = RealDaemon.connect(daemon, TEST_LABEL + "=" + TEST_LABEL_VALUE);
    gateway = DockerJavaGateway.create(real.dockerHost(), new SimpleMeterRegistry());
  }

  @AfterEach
  void cleanUp() {
    real.removeLeftovers();
  }

  @AfterParameterizedClassInvocation
  static void close() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (real != null) {
      real.close();
    }
  }

  @Override
  DockerGateway gateway() {
    return gateway;
  }

  @Override
  String startContainer(String name, Map<String, String> labels) {
    return real.startContainer(name, labels, create -> {});
  }

  @Override
  String startContainerWithoutNetwork(String name, Map<String, String> labels) {
    return real.startContainer(
        name,
        labels,
        create -> create.withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")));
  }

  /**
   * At once: {@code sleep} as PID 1 ignores SIGTERM, so a grace period would only be waited out.
   */
  @Override
  void stopContainer(String id) {
    real.fixtures().stopContainerCmd(id).withTimeout(0).exec();
  }

  @Override
  void restartContainer(String id) {
    real.fixtures().startContainerCmd(id).exec();
  }
}
