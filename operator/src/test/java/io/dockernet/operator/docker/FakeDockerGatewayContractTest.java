package io.dockernet.operator.docker;

import java.util.Map;

/** {@link FakeDockerGateway} holds to the gateway contract, as the real daemons do. */
class FakeDockerGatewayContractTest extends DockerGatewayContract {

  private final FakeDockerGateway docker = new FakeDockerGateway();

  @Override
  DockerGateway gateway() {
    return docker;
  }

  @Override
  String startContainer(String name, Map<String, String> labels) {
    return docker.addContainer(name, "default", labels);
  }

  @Override
  String startContainerWithoutNetwork(String name, Map<String, String> labels) {
    return docker.addContainer(name, "none", labels);
  }

  @Override
  void stopContainer(String id) {
    docker.stopContainer(id);
  }

  @Override
  void restartContainer(String id) {
    docker.startContainer(id);
  }
}
