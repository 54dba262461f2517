package io.dockernet.operator.testbed;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node daemons of {@code hack/nodes.sh}, and a docker-java client for each. */
final class NodeDaemons implements AutoCloseable {

  static final String IMAGE = "dockernet/busybox:latest";
  static final Set<String> PREDEFINED_NETWORKS = Set.of("bridge", "host", "none");

  private static final Logger log = LoggerFactory.getLogger(NodeDaemons.class);
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);

  private final HackScripts hack;
  private final Path stateRoot;
  private final Map<String, TestNode> nodes = new LinkedHashMap<>();
  private boolean startedHere;

  private NodeDaemons(HackScripts hack) {
    this.hack = hack;
    // Same variable and default as hack/nodes.sh.
    String state = System.getenv("DOCKERNET_TESTBED_STATE");
    this.stateRoot = Path.of(state == null || state.isBlank() ? "/run/dockernet-testbed" : state);
  }

  /**
   * Uses node daemons node-a .. node-{count} when they all answer and run the given Engines (e.g.
   * started by an earlier run), else runs {@code hack/nodes.sh start <count> <engines>} (which
   * keeps the nodes that match and fetches Engines not in its cache yet); makes sure every daemon
   * has the test image.
   *
   * @param engines the Engine of each node, in order ({@code VERSION[:MIN_API]})
   */
  static NodeDaemons start(HackScripts hack, List<String> engines) {
    NodeDaemons daemons = new NodeDaemons(hack);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < engines.size(); i++) {
      names.add("node-" + (char) ('a' + i));
    }
    boolean ready =
        names.stream()
            .allMatch(
                n ->
                    daemons.answers(n)
                        && engines.get(names.indexOf(n)).equals(engineOf(daemons.socket(n))));
    if (ready) {
      log.info("node daemons {} already running under {}", names, daemons.stateRoot);
    } else {
      List<String> args = new ArrayList<>(List.of("start", String.valueOf(engines.size())));
      args.addAll(engines);
      hack.run(SCRIPT_TIMEOUT, "nodes.sh", args.toArray(String[]::new));
      daemons.startedHere = true;
    }
    for (String name : names) {
      daemons.nodes.put(name, TestNode.at(name, daemons.socket(name)));
    }
    List<String> withoutImage =
        daemons.nodes.values().stream()
            .filter(node -> !hasImage(node.docker()))
            .map(node -> node.socket().toString())
            .toList();
    if (!withoutImage.isEmpty()) {
      hack.run(SCRIPT_TIMEOUT, "busybox-image.sh", withoutImage.toArray(String[]::new));
    }
    return daemons;
  }

  Path socket(String name) {
    return stateRoot.resolve(name).resolve("docker.sock");
  }

  Map<String, TestNode> nodes() {
    return nodes;
  }

  boolean startedHere() {
    return startedHere;
  }

  /** Restarts one daemon (same namespace and data root); replaces its client. */
  synchronized TestNode restart(String name) {
    return replaceClientAfter(name, "restart-node");
  }

  /** Restarts one daemon on another Engine, data root kept: an upgrade in place. */
  synchronized TestNode restartOn(String name, String engine) {
    return replaceClientAfter(name, "restart-node", engine);
  }

  /** Stops one daemon; its namespace and data stay. */
  synchronized void stop(String name) {
    requireNode(name);
    hack.run(SCRIPT_TIMEOUT, "nodes.sh", "stop-node", name);
  }

  /** Starts a daemon stopped with {@link #stop}; replaces its client. */
  synchronized TestNode startAgain(String name) {
    return replaceClientAfter(name, "start-node");
  }

  private TestNode replaceClientAfter(String name, String command, String... engine) {
    TestNode old = requireNode(name);
    List<String> args = new ArrayList<>(List.of(command, name));
    args.addAll(List.of(engine));
    hack.run(SCRIPT_TIMEOUT, "nodes.sh", args.toArray(String[]::new));
    // Pooled connections to the old daemon process are dead: start from a fresh client.
    closeQuietly(old.docker());
    TestNode fresh = TestNode.at(name, old.socket());
    nodes.put(name, fresh);
    return fresh;
  }

  private TestNode requireNode(String name) {
    TestNode node = nodes.get(name);
    if (node == null) {
      throw new IllegalArgumentException(
          "no test bed node " + name + " (have " + nodes.keySet() + ")");
    }
    return node;
  }

  /**
   * Removes every container and every network but bridge/host/none, on every node. A network whose
   * endpoints outlived their containers (Engine 20.10 can keep one when a connect races with the
   * container's removal) cannot be removed through the API; restarting that node's daemon drops
   * such endpoints, so the node is restarted and cleaned again.
   */
  void clean() {
    List<String> withStaleEndpoints =
        nodes.values().stream()
            .map(node -> CompletableFuture.supplyAsync(() -> clean(node) ? null : node.name()))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .filter(Objects::nonNull)
            .toList();
    for (String name : withStaleEndpoints) {
      log.warn("{}: a network kept endpoints of removed containers; restarting its daemon", name);
      if (!clean(restart(name))) {
        throw new IllegalStateException(name + ": networks with active endpoints after a restart");
      }
    }
  }

  private static void remove(DockerClient docker, Container container) {
    try {
      docker.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException gone) {
      // removed concurrently: fine
    }
  }

  /** Cleans one node; false if a network kept endpoints that the API cannot remove. */
  private static boolean clean(TestNode node) {
    DockerClient docker = node.docker();
    // A few at a time: a scale test leaves some seventy running containers per node, and each
    // forced removal mostly waits for the container to be killed.
    ExecutorService removers = Executors.newFixedThreadPool(4);
    try {
      CompletableFuture.allOf(
              docker.listContainersCmd().withShowAll(true).exec().stream()
                  .map(c -> CompletableFuture.runAsync(() -> remove(docker, c), removers))
                  .toArray(CompletableFuture[]::new))
          .join();
    } finally {
      removers.shutdown();
    }
    boolean clean = true;
    for (Network network : docker.listNetworksCmd().exec()) {
      if (PREDEFINED_NETWORKS.contains(network.getName())) {
        continue;
      }
      try {
        // A killed test can leave stale endpoints behind; force them off first.
        var endpoints = docker.inspectNetworkCmd().withNetworkId(network.getId()).exec();
        if (endpoints.getContainers() != null) {
          for (String container : endpoints.getContainers().keySet()) {
            try {
              docker
                  .disconnectFromNetworkCmd()
                  .withNetworkId(network.getId())
                  .withContainerId(container)
                  .withForce(true)
                  .exec();
            } catch (RuntimeException alreadyGone) {
              // disconnected concurrently, or the daemon cleaned it up itself
            }
          }
        }
        docker.removeNetworkCmd(network.getId()).exec();
      } catch (NotFoundException gone) {
        // removed concurrently: fine
      } catch (com.github.dockerjava.api.exception.DockerException e) {
        if (!String.valueOf(e.getMessage()).contains("active endpoints")) {
          throw e;
        }
        clean = false;
      }
    }
    return clean;
  }

  private boolean answers(String name) {
    Path socket = socket(name);
    if (!Files.exists(socket)) {
      return false;
    }
    try (DockerClient docker = client(socket)) {
      docker.pingCmd().exec();
      return true;
    } catch (RuntimeException | IOException e) {
      log.info("{} does not answer on {}: {}", name, socket, e.toString());
      return false;
    }
  }

  private static boolean hasImage(DockerClient docker) {
    try {
      docker.inspectImageCmd(IMAGE).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * A client for a test bed daemon in the daemon's own (newest) API version, as the docker CLI of
   * its Engine would speak: an old client is refused by a node with the 1.44 floor.
   */
  static DockerClient client(Path socket) {
    String version;
    try (DockerClient unversioned = client(socket, RemoteApiVersion.UNKNOWN_VERSION)) {
      // Without a version docker-java sends GET /version unprefixed, which every daemon answers.
      version = unversioned.versionCmd().exec().getApiVersion();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return client(socket, RemoteApiVersion.parseConfig(version));
  }

  private static DockerClient client(Path socket, RemoteApiVersion version) {
    URI host = URI.create("unix://" + socket);
    // Field by field: createDefaultConfigBuilder() would read DOCKER_* of the machine.
    DockerClientConfig config =
        new DefaultDockerClientConfig.Builder()
            .withDockerHost(host.toString())
            .withApiVersion(version)
            .withDockerTlsVerify(false)
            .build();
    DockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(host)
            .connectionTimeout(Duration.ofSeconds(5))
            .responseTimeout(Duration.ofSeconds(60))
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  /** The ENGINE hack/nodes.sh recorded for the node of this socket (20.10 if none). */
  static String engineOf(Path socket) {
    Path file = socket.resolveSibling("engine");
    try {
      return Files.exists(file) ? Files.readString(file).strip() : "20.10";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the clients; stops the daemons if this JVM started them, unless asked to keep them. */
  @Override
  public void close() {
    nodes.values().forEach(node -> closeQuietly(node.docker()));
    if (startedHere && !Boolean.getBoolean("testbed.keepNodes")) {
      try {
        hack.run(SCRIPT_TIMEOUT, "nodes.sh", "stop");
      } catch (RuntimeException e) {
        log.warn("stopping the node daemons failed", e);
      }
    } else if (startedHere) {
      log.info("keeping node daemons (-Dtestbed.keepNodes=true); hack/nodes.sh stop removes them");
    }
  }

  private static void closeQuietly(DockerClient docker) {
    try {
      docker.close();
    } catch (IOException | RuntimeException e) {
      log.debug("closing a docker client failed", e);
    }
  }
}
