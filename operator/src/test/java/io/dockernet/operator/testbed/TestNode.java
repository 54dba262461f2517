package io.dockernet.operator.testbed;

import com.github.dockerjava.api.DockerClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One simulated node: a Kubernetes {@code Node} object named {@code name} and the Docker daemon
 * that stands for its host (own network namespace, started by {@code hack/nodes.sh}).
 *
 * @param name node name, e.g. {@code node-a}; also the name of its network namespace
 * @param socket the daemon's unix socket
 * @param docker a docker-java client for the daemon, speaking its API version (owned by the test
 *     bed; do not close)
 * @param engine the Engine the node runs, as {@code hack/nodes.sh} takes it: {@code
 *     VERSION[:MIN_API]}, e.g. {@code 20.10} or {@code 28.5.2:1.44}
 */
public record TestNode(String name, Path socket, DockerClient docker, String engine) {

  /** The daemon address as the operator takes it, e.g. {@code unix:///run/.../docker.sock}. */
  public URI dockerHost() {
    return URI.create("unix://" + socket);
  }

  /** The Engine version without the API floor, e.g. {@code 28.5.2}. */
  public String engineVersion() {
    int colon = engine.indexOf(':');
    return colon < 0 ? engine : engine.substring(0, colon);
  }

  /** True when the daemon refuses API versions older than 1.44, as Engine 29.0 to 29.2 do. */
  public boolean refusesApiBelow144() {
    return engine.endsWith(":1.44");
  }

  /**
   * The docker CLI of the node's Engine ({@code hack/nodes.sh} links it next to the socket): a
   * 20.10 client is refused by a daemon that accepts only API 1.44 and newer.
   */
  public Path cli() {
    Path own = socket.resolveSibling("docker");
    return Files.isExecutable(own) ? own : Path.of("/usr/bin/docker");
  }

  /** The node at {@code socket} as {@code hack/nodes.sh} started it, with a new client. */
  public static TestNode at(String name, Path socket) {
    return new TestNode(name, socket, NodeDaemons.client(socket), NodeDaemons.engineOf(socket));
  }
}
