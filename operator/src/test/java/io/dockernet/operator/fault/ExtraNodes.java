package io.dockernet.operator.fault;

import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * More simulated nodes than the test bed has, for one test class: {@code hack/nodes.sh start N}
 * (running nodes are kept, the missing ones started, each a dockerd in its own namespace), a Node
 * object each, like the test bed's. {@link #close} stops their daemons ({@code stop-node}) and
 * deletes their Node objects, so later test classes see the test bed's nodes only; their namespaces
 * and data go with the test bed's {@code hack/nodes.sh stop}.
 */
public final class ExtraNodes implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExtraNodes.class);

  private final KubernetesClient kube;
  private final Map<String, TestNode> nodes = new LinkedHashMap<>();

  private ExtraNodes(KubernetesClient kube) {
    this.kube = kube;
  }

  /** Nodes after the test bed's, up to {@code total} in all, on Engine 20.10. */
  public static ExtraNodes start(TestBed bed, int total) {
    ExtraNodes extra = new ExtraNodes(bed.kubernetesClient());
    nodesSh("start", String.valueOf(total));
    Path stateRoot = bed.node(bed.nodeNames().get(0)).socket().getParent().getParent();
    for (int i = bed.nodeNames().size(); i < total; i++) {
      String name = "node-" + (char) ('a' + i);
      Path socket = stateRoot.resolve(name).resolve("docker.sock");
      extra.nodes.put(name, TestNode.at(name, socket));
      extra.createNodeObject(name, socket);
    }
    return extra;
  }

  public Map<String, TestNode> nodes() {
    return nodes;
  }

  /**
   * Restarts one extra node's daemon on another Engine ({@code VERSION[:MIN_API]}), data root kept:
   * an Engine upgraded in place. Returns the node with a new client.
   */
  public TestNode restartOn(String name, String engine) {
    TestNode old = nodes.get(name);
    nodesSh("restart-node", name, engine);
    try {
      old.docker().close();
    } catch (IOException e) {
      LOG.debug("closing a docker client", e);
    }
    TestNode fresh = TestNode.at(name, old.socket());
    nodes.put(name, fresh);
    return fresh;
  }

  private void createNodeObject(String name, Path socket) {
    kube.nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(TestBed.NODE_LABEL, "true")
                .addToLabels("kubernetes.io/hostname", name)
                .addToLabels("kubernetes.io/os", "linux")
                .endMetadata()
                .build())
        .serverSideApply();
    String now = Instant.now().toString();
    kube.nodes()
        .withName(name)
        .editStatus(
            n ->
                new NodeBuilder(n)
                    .editOrNewStatus()
                    .withConditions(
                        new NodeConditionBuilder()
                            .withType("Ready")
                            .withStatus("True")
                            .withReason("TestBedNode")
                            .withMessage("extra simulated node; Docker at unix://" + socket)
                            .withLastHeartbeatTime(now)
                            .withLastTransitionTime(now)
                            .build())
                    .endStatus()
                    .build());
  }

  /** Runs {@code hack/nodes.sh ARGS} from the repository root; fails unless it exits 0. */
  private static void nodesSh(String... args) {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isRegularFile(root.resolve("hack/nodes.sh"))) {
      root = root.getParent();
    }
    if (root == null) {
      throw new IllegalStateException(
          "hack/nodes.sh not found above " + Path.of("").toAbsolutePath());
    }
    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = root.resolve("hack/nodes.sh").toString();
    System.arraycopy(args, 0, command, 2, args.length);
    try {
      Path log = Path.of("target", "fault", "extra-nodes.log").toAbsolutePath();
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(command)
              .directory(root.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the extra daemons and deletes their Node objects. */
  @Override
  public void close() {
    for (TestNode node : nodes.values()) {
      kube.nodes().withName(node.name()).delete();
      try {
        node.docker().close();
      } catch (IOException e) {
        LOG.debug("closing a docker client", e);
      }
      try {
        nodesSh("stop-node", node.name());
      } catch (RuntimeException e) {
        LOG.warn("stopping {} failed", node.name(), e);
      }
    }
  }
}
