package io.dockernet.operator.fault;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.Keys;
import io.dockernet.operator.testbed.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What {@code docker network inspect} and {@code docker inspect} print, byte for byte, for every
 * network and container on a node that the operator does not own: networks without its labels and
 * containers no ContainerAttachment names. A fault test takes it before and after and compares.
 */
final class ForeignObjects {

  private ForeignObjects() {}

  /**
   * The inspect output of every unmanaged object on the node, keyed "network NAME" / "container
   * NAME".
   *
   * @param managedContainer names of containers a ContainerAttachment of the test names
   * @param runningContainersToo false for a node whose daemon the test restarts: a restart kills
   *     running containers (and their endpoints on the default bridge), which is the fault, not
   *     something the operator did; networks without running containers and stopped containers
   *     survive a restart unchanged and are still compared
   */
  static Map<String, String> snapshot(
      TestNode node, Predicate<String> managedContainer, boolean runningContainersToo) {
    Map<String, String> out = new TreeMap<>();
    Set<String> running = new java.util.HashSet<>();
    for (Container c : node.docker().listContainersCmd().withShowAll(true).exec()) {
      String name = c.getNames()[0].substring(1);
      boolean isRunning = "running".equals(c.getState());
      if (isRunning) {
        running.add(c.getId());
      }
      if (managedContainer.test(name) || (isRunning && !runningContainersToo)) {
        continue;
      }
      out.put("container " + name, inspect(node, "container", c.getId()));
    }
    for (Network n : node.docker().listNetworksCmd().exec()) {
      if (n.getLabels() != null && n.getLabels().containsKey(Keys.DOCKER_MANAGED_BY)) {
        continue;
      }
      Map<String, Network.ContainerNetworkConfig> endpoints =
          node.docker().inspectNetworkCmd().withNetworkId(n.getId()).exec().getContainers();
      boolean hasRunning =
          endpoints != null && endpoints.keySet().stream().anyMatch(running::contains);
      if (hasRunning && !runningContainersToo) {
        continue;
      }
      out.put("network " + n.getName(), inspect(node, "network", n.getId()));
    }
    return out;
  }

  /** The raw output of {@code docker <kind> inspect ID} against the node's daemon. */
  static String inspect(TestNode node, String kind, String id) {
    return docker(node, kind, "inspect", id);
  }

  /** Runs the docker CLI against the node's daemon; fails unless it exits 0. */
  static String docker(TestNode node, String... args) {
    String[] command = new String[args.length + 3];
    command[0] = node.cli().toString(); // the node's own Engine's CLI, as hack/ uses
    command[1] = "-H";
    command[2] = node.dockerHost().toString();
    System.arraycopy(args, 0, command, 3, args.length);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
