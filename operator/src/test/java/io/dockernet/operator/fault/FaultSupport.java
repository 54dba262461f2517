package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.RestartPolicy;
import io.dockernet.operator.Keys;
import io.dockernet.operator.testbed.ChartRbac;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the fault tests set up on the nodes and check afterwards. */
final class FaultSupport {

  /** A network nobody told the operator about, on every node (same subnet: separate daemons). */
  static final String FOREIGN_NETWORK = "f-legacy";

  static final String FOREIGN_SUBNET = "198.18.255.0/26";
  private static final Logger LOG = LoggerFactory.getLogger(FaultSupport.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private FaultSupport() {}

  /**
   * What an admin already has on each node before the operator arrives: a network of their own with
   * a running container on it (static address, alias) and a container that was created on it but
   * never started. The operator must never touch any of it.
   */
  static void createForeignObjects(TestNode node) {
    DockerClient docker = node.docker();
    String net =
        docker
            .createNetworkCmd()
            .withName(FOREIGN_NETWORK)
            .withLabels(Map.of("owner", "admin"))
            .withIpam(
                new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(FOREIGN_SUBNET)))
            .exec()
            .getId();
    String app = docker.createContainerCmd(TestBed.IMAGE).withName("f-app").exec().getId();
    docker
        .connectToNetworkCmd()
        .withNetworkId(net)
        .withContainerId(app)
        .withContainerNetwork(
            new ContainerNetwork()
                .withIpamConfig(
                    new ContainerNetwork.Ipam()
                        .withIpv4Address(FaultSubnets.address(FOREIGN_SUBNET, 10)))
                .withAliases("legacy-app"))
        .exec();
    docker.startContainerCmd(app).exec();
    docker
        .createContainerCmd(TestBed.IMAGE)
        .withName("f-stopped")
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode(FOREIGN_NETWORK))
        .exec();
  }

  /** A running container the operator will attach ("m-" names); comes back after a restart. */
  static String runManagedContainer(TestNode node, String name) {
    DockerClient docker = node.docker();
    String id =
        docker
            .createContainerCmd(TestBed.IMAGE)
            .withName(name)
            .withHostConfig(
                HostConfig.newHostConfig().withRestartPolicy(RestartPolicy.alwaysRestart()))
            .exec()
            .getId();
    docker.startContainerCmd(id).exec();
    return id;
  }

  /** Containers the fault tests let the operator attach: named "m-...". */
  static final Predicate<String> ATTACHED = name -> name.startsWith("m-");

  /**
   * Containers the operator does not manage, put on networks it does manage: named "u-...". Their
   * endpoints change IDs when a network is replaced, so they are compared by {@link EndpointsKept},
   * not byte for byte.
   */
  static final Predicate<String> UNMANAGED_ON_MANAGED = name -> name.startsWith("u-");

  /** Containers left out of the byte-for-byte comparison of {@link ForeignObjects}. */
  static final Predicate<String> MANAGED = ATTACHED.or(UNMANAGED_ON_MANAGED);

  /**
   * What an admin has on a managed network besides what the operator attaches: a running container
   * with a static address and an alias, and one with a dynamic address and an alias
   * ("u-NAME-static", "u-NAME-dynamic"), both restarted with the daemon. Returns them as {@link
   * EndState}'s hand-attached endpoints ("node/network/container").
   */
  static List<String> unmanagedOn(TestNode node, String network, String staticAddress) {
    String s = "u-" + network + "-static";
    String d = "u-" + network + "-dynamic";
    DockerClient docker = node.docker();
    for (String name : List.of(s, d)) {
      // Created on the managed network only: an endpoint on Docker's default bridge too would
      // change the bridge's inspect, which the byte-for-byte comparison holds to.
      var create =
          docker
              .createContainerCmd(TestBed.IMAGE)
              .withName(name)
              .withHostConfig(
                  HostConfig.newHostConfig()
                      .withNetworkMode(network)
                      .withRestartPolicy(RestartPolicy.alwaysRestart()))
              .withAliases(name + "-alias");
      if (name.equals(s)) {
        create.withIpv4Address(staticAddress);
      }
      docker.startContainerCmd(create.exec().getId()).exec();
    }
    return List.of(s, d).stream().map(c -> node.name() + "/" + network + "/" + c).toList();
  }

  /** Disconnects every "u-" container from every network it is on but the default bridge. */
  static void disconnectAllUnmanaged(TestNode node) {
    try {
      for (Network n : node.docker().listNetworksCmd().exec()) {
        if (n.getLabels() != null && n.getLabels().containsKey(Keys.DOCKER_MANAGED_BY)) {
          disconnectUnmanaged(node, n.getId());
        }
      }
    } catch (RuntimeException daemonDown) {
      LOG.warn(
          "could not disconnect unmanaged containers on {}: {}",
          node.name(),
          daemonDown.toString());
    }
  }

  /**
   * Disconnects the unmanaged containers from a managed network by hand, as an admin does before
   * deleting the network (they would block the deletion otherwise).
   */
  static void disconnectUnmanaged(TestNode node, String network) {
    for (com.github.dockerjava.api.model.Container c :
        node.docker().listContainersCmd().withShowAll(true).exec()) {
      String name = c.getNames()[0].substring(1);
      if (UNMANAGED_ON_MANAGED.test(name)) {
        try {
          node.docker()
              .disconnectFromNetworkCmd()
              .withNetworkId(network)
              .withContainerId(c.getId())
              .withForce(true)
              .exec();
        } catch (com.github.dockerjava.api.exception.DockerException notOnIt) {
          // Not on this network.
        }
      }
    }
  }

  /** The foreign snapshot of each node (see {@link ForeignObjects#snapshot}). */
  static Map<String, Map<String, String>> foreignSnapshot(
      Map<String, TestNode> nodes, Set<String> restartedNodes) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    nodes.forEach(
        (name, node) ->
            out.put(name, ForeignObjects.snapshot(node, MANAGED, !restartedNodes.contains(name))));
    return out;
  }

  /**
   * Byte-for-byte: every unmanaged network and container inspects exactly as before. On a node
   * whose daemon the test restarted, running containers (and networks with one on them) were left
   * out of the snapshot; after the restart they may be back in it, stopped: only the objects in the
   * snapshot are compared there.
   */
  static void assertForeignUnchanged(
      Map<String, Map<String, String>> before, Map<String, TestNode> nodes, Set<String> restarted) {
    Map<String, Map<String, String>> after = foreignSnapshot(nodes, Set.of());
    for (String node : before.keySet()) {
      if (restarted.contains(node)) {
        assertThat(after.get(node).keySet())
            .as("unmanaged objects on %s", node)
            .containsAll(before.get(node).keySet());
      } else {
        assertThat(after.get(node).keySet())
            .as("unmanaged objects on %s", node)
            .containsExactlyInAnyOrderElementsOf(before.get(node).keySet());
      }
      boolean wasRestarted = restarted.contains(node);
      before
          .get(node)
          .forEach(
              (object, json) -> {
                if (wasRestarted) {
                  assertThat(emptyListsAsNull(after.get(node).get(object)))
                      .as("docker inspect of %s on %s (restarted), value for value", object, node)
                      .isEqualTo(emptyListsAsNull(json));
                } else {
                  assertThat(after.get(node).get(object))
                      .as("docker inspect of %s on %s, byte for byte", object, node)
                      .isEqualTo(json);
                }
              });
    }
    LOG.info(
        "unmanaged objects unchanged: {}",
        before.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().keySet()).toList());
  }

  /**
   * The inspect output with every empty list read as null: a restarted Engine 20.10 saves the
   * configuration of a container it loads again, turning e.g. {@code "Dns": null} into {@code []}.
   */
  private static JsonNode emptyListsAsNull(String inspectJson) {
    try {
      return emptyListsAsNull(JSON.readTree(inspectJson));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("docker inspect printed no JSON: " + inspectJson, e);
    }
  }

  private static JsonNode emptyListsAsNull(JsonNode node) {
    if (node.isArray() && node.isEmpty()) {
      return NullNode.getInstance();
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(e -> out.add(emptyListsAsNull(e)));
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), emptyListsAsNull(e.getValue())));
      return out;
    }
    return node;
  }

  /**
   * The start of a fault test: the CRDs installed, every object of an earlier test deleted and the
   * node daemons cleaned of everything but their defaults.
   *
   * @return the test bed's client
   */
  static KubernetesClient cleanSlate(TestBed bed) {
    KubernetesClient kube = bed.kubernetesClient();
    RunningOperators.installCrds(kube);
    Fixtures.deleteAll(kube);
    bed.cleanDocker();
    return kube;
  }

  /** Waits until {@link EndState#problems} is empty; fails with the remaining list. */
  static void awaitConverged(
      KubernetesClient kube, Map<String, TestNode> nodes, Set<String> handAttached, Duration max) {
    long started = System.nanoTime();
    try {
      await()
          .atMost(max)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(EndState.problems(kube, nodes, handAttached))
                      .as("what is not converged yet")
                      .isEmpty());
    } catch (ConditionTimeoutException e) {
      logBusyReconcilers();
      throw e;
    }
    LOG.info("converged in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** What every reconciler thread of this JVM is doing, for a test that did not converge. */
  static void logBusyReconcilers() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (thread.getName().startsWith("ReconcilerExecutor") && stack.length > 0) {
                dump.append("\n").append(thread.getName()).append(" ").append(thread.getState());
                for (int i = 0; i < Math.min(stack.length, 25); i++) {
                  dump.append("\n    at ").append(stack[i]);
                }
              }
            });
    LOG.warn("reconciler threads when the end state was not reached:{}", dump);
  }

  /**
   * The end of a fault test: its objects deleted while the roles still run (so they clean up), then
   * what it started closed in the given order (nulls skipped), then the node daemons cleaned. The
   * roles are closed even when the deletion fails: left running, they would act beside the next
   * test class's roles on the same nodes.
   */
  static void stopAll(TestBed bed, KubernetesClient kube, AutoCloseable... started) {
    // An admin's containers on managed networks would block their deletion: an admin takes
    // them off first.
    bed.nodes().values().forEach(FaultSupport::disconnectAllUnmanaged);
    try {
      Fixtures.deleteAll(kube);
    } finally {
      // Even when the objects would not go: roles left running would act on the next test's
      // objects beside that test's own roles.
      for (AutoCloseable c : started) {
        if (c == null) {
          continue;
        }
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException("could not stop " + c, e);
        }
      }
      bed.cleanDocker();
    }
  }

  /**
   * Where a fault test's controller keeps its leader Lease and its agents their heartbeat Leases:
   * as the chart's ServiceAccounts they may only in the release namespace; with admin rights, a
   * namespace of the test's own.
   */
  static String releaseNamespace(String testNamespace) {
    return RunningOperators.impersonating() ? ChartRbac.NAMESPACE : testNamespace;
  }

  /**
   * The controller as its own process on the test bed's API server (restarted if it exits, as its
   * Deployment would), its Lease in {@link #releaseNamespace}: with admin rights a namespace of the
   * test's own, so that it does not wait for a Lease an earlier controller left behind.
   */
  static OperatorProcess startController(TestBed bed, String testNamespace) {
    String leaseNamespace = releaseNamespace(testNamespace);
    bed.kubernetesClient()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(leaseNamespace).endMetadata().build())
        .serverSideApply();
    return OperatorProcess.controller(
        bed.kubeConfigFile(),
        leaseNamespace,
        Path.of("target", "fault", testNamespace + "-controller.log"));
  }

  static Map<String, TestNode> nodes(TestBed bed, List<String> names) {
    Map<String, TestNode> out = new LinkedHashMap<>();
    names.forEach(n -> out.put(n, bed.node(n)));
    return out;
  }
}
