package io.dockernet.operator.testbed;

import com.github.dockerjava.api.DockerClient;
import java.net.URI;
import java.nio.file.Path;

/**
 * One simulated node: a Kubernetes {@code Node} object named {@code name} and the Docker daemon
 * that stands for its host (own network namespace, started by {@code hack/nodes.sh}).
 *
 * @param name node name, e.g. {@code node-a}; also the name of its network namespace
 * @param socket the daemon's unix socket
 * @param docker a docker-java client for the daemon (owned by the test bed; do not close)
 */
public record TestNode(String name, Path socket, DockerClient docker) {

  /** The daemon address as the operator takes it, e.g. {@code unix:///run/.../docker.sock}. */
  public URI dockerHost() {
    return URI.create("unix://" + socket);
  }
}
