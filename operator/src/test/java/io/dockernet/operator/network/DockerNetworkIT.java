package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AdoptionPolicy;
import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.api.v1alpha1.RecreatePolicy;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DockerNetwork end to end: real API server, one real Docker daemon and agent per node. What a test
 * does to a single node's daemon it does on one node of each Engine of the test bed ({@link
 * TestBed#onePerEngine}: 20.10, 28.5.2 refusing API versions below 1.44, 26.1.5).
 */
@ExtendWith(TestBedExtension.class)
class DockerNetworkIT {

  private static final Duration CONVERGE = Duration.ofSeconds(60);

  /**
   * Repairs that Docker's event stream drives: far longer than they take (about 150 ms, see
   * docs/benchmarks.md) so a loaded machine does not fail them, far shorter than the 60 s drift
   * check that would otherwise do the work.
   */
  private static final Duration PROMPTLY = Duration.ofSeconds(15);

  private static RunningOperators operators;
  private static TestBed bed;
  private static KubernetesClient kube;

  @BeforeAll
  static void startOperators(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    operators = RunningOperators.start(bed);
  }

  @AfterAll
  static void stopOperators() {
    if (operators != null) {
      operators.close();
    }
  }

  @BeforeEach
  @AfterEach
  void clean() {
    Fixtures.deleteAll(kube);
    bed.ensureNodeObjects();
    bed.cleanDocker();
  }

  @Test
  void theSeedNetworkAppearsOnEveryNodeAndTheSummarySaysSo() {
    kube.resource(Fixtures.withBridge(Fixtures.network("mynetwork", "198.18.0.0/24"), "docker1"))
        .create();

    NetworkTestSupport.awaitReady(kube, "mynetwork", bed.nodeNames().size());

    for (String node : bed.nodeNames()) {
      Network n = dockerNetwork(node, "mynetwork").orElseThrow();
      assertThat(n.getIpam().getConfig())
          .extracting(c -> c.getSubnet())
          .containsExactly("198.18.0.0/24");
      assertThat(n.getOptions()).containsEntry("com.docker.network.bridge.name", "docker1");
      assertThat(n.getLabels()).containsEntry(Keys.DOCKER_MANAGED_BY, Keys.DOCKER_MANAGED_BY_VALUE);
    }
    DockerNetwork dn = NetworkTestSupport.get(kube, "mynetwork");
    assertThat(dn.getStatus().ready)
        .isEqualTo(bed.nodeNames().size() + "/" + bed.nodeNames().size());
    assertThat(NetworkTestSupport.reports(kube, "mynetwork"))
        .extracting(r -> r.getStatus().nodeName)
        .containsExactlyInAnyOrderElementsOf(bed.nodeNames());
    assertThat(NetworkTestSupport.reports(kube, "mynetwork"))
        .allSatisfy(r -> assertThat(r.getStatus().bridge).isEqualTo("docker1"));
  }

  @Test
  void applyingTheSameSpecAgainMakesNoDockerWrite() {
    kube.resource(Fixtures.withBridge(Fixtures.network("idem", "198.18.1.0/24"), "dn-idem"))
        .create();
    NetworkTestSupport.awaitReady(kube, "idem", bed.nodeNames().size());

    // A restarted agent re-reads everything; re-applying the object is the other path.
    bed.nodeNames().forEach(operators::startAgent);
    kube.resource(Fixtures.withBridge(Fixtures.network("idem", "198.18.1.0/24"), "dn-idem"))
        .fieldManager("kubectl")
        .forceConflicts()
        .serverSideApply();
    for (String node : bed.nodeNames()) {
      await()
          .atMost(CONVERGE)
          .until(() -> NetworkTestSupport.reconciles(operators.agent(node).metrics()) >= 1);
      assertThat(NetworkTestSupport.dockerWrites(operators.agent(node).metrics()))
          .as("Docker writes by the agent of %s", node)
          .isZero();
    }
    NetworkTestSupport.awaitReady(kube, "idem", bed.nodeNames().size());
  }

  @Test
  void aChangedSpecRecreatesTheNetworkAndReconnectsAContainerWeDoNotManage() {
    kube.resource(Fixtures.withBridge(Fixtures.network("recreate", "198.18.2.0/24"), "dn-recreate"))
        .create();
    NetworkTestSupport.awaitReady(kube, "recreate", bed.nodeNames().size());
    Map<String, String> oldIds = new java.util.HashMap<>();
    for (String node : bed.onePerEngine()) {
      DockerClient a = bed.node(node).docker();
      String legacy = NetworkTestSupport.runBusybox(a, "legacy");
      oldIds.put(node, dockerNetwork(node, "recreate").orElseThrow().getId());
      a.connectToNetworkCmd()
          .withNetworkId("recreate")
          .withContainerId(legacy)
          .withContainerNetwork(
              new ContainerNetwork()
                  .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address("198.18.2.10"))
                  .withAliases("legacy-db"))
          .exec();
    }

    NetworkTestSupport.edit(
        kube,
        "recreate",
        dn -> {
          dn.getSpec().labels = Map.of("tier", "backend");
          return dn;
        });

    for (String node : bed.onePerEngine()) {
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  dockerNetwork(node, "recreate")
                      .map(
                          n ->
                              !n.getId().equals(oldIds.get(node))
                                  && "backend".equals(n.getLabels().get("tier")))
                      .orElse(false));
    }
    NetworkTestSupport.awaitReady(kube, "recreate", bed.nodeNames().size());
    for (String node : bed.onePerEngine()) {
      ContainerNetwork endpoint =
          bed.node(node)
              .docker()
              .inspectContainerCmd("legacy")
              .exec()
              .getNetworkSettings()
              .getNetworks()
              .get("recreate");
      assertThat(endpoint).as("legacy's endpoint on %s", node).isNotNull();
      assertThat(endpoint.getIpAddress()).as(node).isEqualTo("198.18.2.10");
      assertThat(endpoint.getIpamConfig().getIpv4Address()).isEqualTo("198.18.2.10");
      assertThat(endpoint.getAliases()).as(node).contains("legacy-db");
    }
    // The agent records the Event after it writes the report.
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(NetworkTestSupport.events(kube, "recreate"))
                    .extracting(Event::getReason)
                    .contains("Recreated"));
  }

  @Test
  void recreatePolicyNeverReportsTheDifferenceAndLeavesTheNetworkAlone() {
    DockerNetwork dn =
        Fixtures.withBridge(Fixtures.network("frozen", "198.18.3.0/24"), "dn-frozen");
    dn.getSpec().recreatePolicy = RecreatePolicy.Never;
    kube.resource(dn).create();
    NetworkTestSupport.awaitReady(kube, "frozen", bed.nodeNames().size());
    String id = dockerNetwork("node-b", "frozen").orElseThrow().getId();

    NetworkTestSupport.edit(
        kube,
        "frozen",
        d -> {
          d.getSpec().ipam.config.get(0).subnet = "198.18.4.0/24";
          d.getSpec().ipam.config.get(0).gateway = "198.18.4.1";
          return d;
        });

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(NetworkTestSupport.reports(kube, "frozen"))
                    .hasSize(bed.nodeNames().size())
                    .allSatisfy(
                        r -> {
                          assertThat(r.getStatus().phase).isEqualTo(Phase.OutOfSync);
                          assertThat(r.getStatus().differences)
                              .anySatisfy(d -> assertThat(d).contains("198.18.4.0/24"));
                        }));
    assertThat(dockerNetwork("node-b", "frozen").orElseThrow().getId()).isEqualTo(id);
    // The controller summarises after the agents report.
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(NetworkTestSupport.condition(kube, "frozen", "Degraded"))
                    .isEqualTo("True"));
  }

  @Test
  void aForeignSameNamedNetworkIsAConflictUntilAdoptionIsAllowed() {
    Map<String, String> foreignIds = new java.util.HashMap<>();
    for (String node : bed.onePerEngine()) {
      foreignIds.put(
          node,
          NetworkTestSupport.createForeign(bed.node(node).docker(), "legacy-net", "198.18.5.0/24"));
    }
    DockerNetwork dn = Fixtures.network("legacy-net", "198.18.5.0/24");
    kube.resource(dn).create();

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              for (String node : bed.onePerEngine()) {
                var report = NetworkTestSupport.report(kube, "legacy-net", node);
                assertThat(report.phase).as(node).isEqualTo(Phase.Conflict);
                assertThat(report.reason).isEqualTo("NetworkExists");
                assertThat(report.message).contains("adoptionPolicy");
              }
            });
    for (String node : bed.onePerEngine()) {
      assertThat(dockerNetwork(node, "legacy-net").orElseThrow().getId())
          .isEqualTo(foreignIds.get(node));
    }
    NetworkTestSupport.awaitNodesReady(
        kube,
        "legacy-net",
        bed.nodeNames().stream().filter(n -> !bed.onePerEngine().contains(n)).toList());

    NetworkTestSupport.edit(
        kube,
        "legacy-net",
        d -> {
          d.getSpec().adoptionPolicy = AdoptionPolicy.IfMatches;
          return d;
        });
    NetworkTestSupport.awaitReady(kube, "legacy-net", bed.nodeNames().size());
    for (String node : bed.onePerEngine()) {
      assertThat(NetworkTestSupport.report(kube, "legacy-net", node).adopted).as(node).isTrue();
      assertThat(dockerNetwork(node, "legacy-net").orElseThrow().getId())
          .isEqualTo(foreignIds.get(node));
    }
  }

  @Test
  void recreateAdoptionReplacesAForeignNetworkThatDiffers() {
    Map<String, String> foreignIds = new java.util.HashMap<>();
    for (String node : bed.onePerEngine()) {
      foreignIds.put(
          node,
          NetworkTestSupport.createForeign(bed.node(node).docker(), "replace-me", "198.18.6.0/24"));
    }
    DockerNetwork dn = Fixtures.network("replace-me", "198.18.7.0/24");
    dn.getSpec().adoptionPolicy = AdoptionPolicy.Recreate;
    kube.resource(dn).create();

    NetworkTestSupport.awaitReady(kube, "replace-me", bed.nodeNames().size());
    for (String node : bed.onePerEngine()) {
      Network replaced = dockerNetwork(node, "replace-me").orElseThrow();
      assertThat(replaced.getId()).as(node).isNotEqualTo(foreignIds.get(node));
      assertThat(replaced.getIpam().getConfig().get(0).getSubnet()).isEqualTo("198.18.7.0/24");
      assertThat(replaced.getLabels())
          .containsEntry(Keys.DOCKER_MANAGED_BY, Keys.DOCKER_MANAGED_BY_VALUE);
    }
  }

  @Test
  void theNetworkFollowsTheNodeSelectorAsNodeLabelsChange() {
    NetworkTestSupport.labelNode(kube, "node-a", "dockernet-it/zone", "blue");
    NetworkTestSupport.labelNode(kube, "node-b", "dockernet-it/zone", "blue");
    DockerNetwork dn = Fixtures.network("zoned", "198.18.8.0/24");
    dn.getSpec().nodeSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("dockernet-it/zone", "blue")).build();
    kube.resource(dn).create();

    NetworkTestSupport.awaitReady(kube, "zoned", 2);
    assertThat(dockerNetwork("node-c", "zoned")).isEmpty();

    NetworkTestSupport.labelNode(kube, "node-b", "dockernet-it/zone", "green");

    await().atMost(CONVERGE).until(() -> dockerNetwork("node-b", "zoned").isEmpty());
    NetworkTestSupport.awaitReady(kube, "zoned", 1);
    assertThat(dockerNetwork("node-a", "zoned")).isPresent();
    // node-b removes the network first and deletes its report after.
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(NetworkTestSupport.reports(kube, "zoned"))
                    .extracting(r -> r.getStatus().nodeName)
                    .containsExactly("node-a"));
  }

  @Test
  void aForeignContainerBlocksDeletionOnItsNodeUntilItIsDisconnected() {
    kube.resource(Fixtures.network("busy", "198.18.9.0/24")).create();
    NetworkTestSupport.awaitReady(kube, "busy", bed.nodeNames().size());
    for (String node : bed.onePerEngine()) {
      DockerClient c = bed.node(node).docker();
      String app = NetworkTestSupport.runBusybox(c, "someone-elses-app");
      c.connectToNetworkCmd().withNetworkId("busy").withContainerId(app).exec();
    }

    kube.resources(DockerNetwork.class).withName("busy").delete();

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              for (String node : bed.onePerEngine()) {
                var report = NetworkTestSupport.report(kube, "busy", node);
                assertThat(report.phase).as(node).isEqualTo(Phase.Blocked);
                assertThat(report.message).contains("someone-elses-app");
              }
            });
    String unblocked =
        bed.nodeNames().stream().filter(n -> !bed.onePerEngine().contains(n)).findFirst().get();
    await().atMost(CONVERGE).until(() -> dockerNetwork(unblocked, "busy").isEmpty());
    for (String node : bed.onePerEngine()) {
      assertThat(dockerNetwork(node, "busy")).as(node).isPresent();
    }
    assertThat(NetworkTestSupport.find(kube, "busy")).isPresent();

    for (String node : bed.onePerEngine()) {
      bed.node(node)
          .docker()
          .disconnectFromNetworkCmd()
          .withNetworkId("busy")
          .withContainerId("someone-elses-app")
          .exec();
    }

    await().atMost(CONVERGE).until(() -> NetworkTestSupport.find(kube, "busy").isEmpty());
    for (String node : bed.onePerEngine()) {
      DockerClient c = bed.node(node).docker();
      assertThat(dockerNetwork(node, "busy")).as(node).isEmpty();
      assertThat(c.inspectContainerCmd("someone-elses-app").exec().getState().getRunning())
          .isTrue();
    }
  }

  @Test
  void orphanDeletionLeavesTheNetworksInPlace() {
    DockerNetwork dn = Fixtures.network("keep", "198.18.11.0/24");
    dn.getSpec().deletionPolicy = DeletionPolicy.Orphan;
    kube.resource(dn).create();
    NetworkTestSupport.awaitReady(kube, "keep", bed.nodeNames().size());

    kube.resources(DockerNetwork.class).withName("keep").delete();

    await().atMost(CONVERGE).until(() -> NetworkTestSupport.find(kube, "keep").isEmpty());
    for (String node : bed.nodeNames()) {
      assertThat(dockerNetwork(node, "keep")).as("on %s", node).isPresent();
    }
  }

  /**
   * An agent killed while its create was in flight: the daemon can finish that create after the
   * restarted agent released the deleted object and found nothing. Stood in for here by a create
   * with the deleted object's labels, made after its deletion completed.
   */
  @Test
  void aNetworkALateCreateMakesForADeletedObjectIsRemoved() {
    kube.resource(Fixtures.network("late", "198.18.17.0/24")).create();
    NetworkTestSupport.awaitReady(kube, "late", bed.nodeNames().size());
    String node = bed.onePerEngine().get(0);
    Map<String, String> labels = dockerNetwork(node, "late").orElseThrow().getLabels();

    kube.resources(DockerNetwork.class).withName("late").delete();
    await().atMost(CONVERGE).until(() -> NetworkTestSupport.find(kube, "late").isEmpty());
    bed.node(node).docker().createNetworkCmd().withName("late").withLabels(labels).exec();

    await().atMost(PROMPTLY).until(() -> dockerNetwork(node, "late").isEmpty());
  }

  @Test
  void aHandRemovedNetworkIsRecreatedWithAnEvent() {
    kube.resource(Fixtures.withBridge(Fixtures.network("drift", "198.18.12.0/24"), "dn-drift"))
        .create();
    NetworkTestSupport.awaitReady(kube, "drift", bed.nodeNames().size());

    for (String node : bed.onePerEngine()) {
      bed.node(node).docker().removeNetworkCmd("drift").exec();

      await().atMost(PROMPTLY).until(() -> dockerNetwork(node, "drift").isPresent());
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertThat(NetworkTestSupport.events(kube, "drift"))
                      .anySatisfy(
                          e -> {
                            assertThat(e.getReason()).isEqualTo("DriftRepaired");
                            assertThat(e.getMessage()).contains(node);
                          }));
    }
  }

  @Test
  void theSameRepairTwiceIsOneEventCountedTwice() {
    kube.resource(
            Fixtures.withBridge(Fixtures.network("drift-twice", "198.18.16.0/24"), "dn-twice"))
        .create();
    NetworkTestSupport.awaitReady(kube, "drift-twice", bed.nodeNames().size());
    DockerClient b = bed.node("node-b").docker();

    b.removeNetworkCmd("drift-twice").exec();
    await().atMost(CONVERGE).until(() -> driftRepairs(kube, "drift-twice").size() == 1);
    b.removeNetworkCmd("drift-twice").exec();

    // What `kubectl describe` shows as "x2": one Event, counted twice, not a second Event.
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(driftRepairs(kube, "drift-twice"))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getCount()).isEqualTo(2);
                          assertThat(e.getSeries().getCount()).isEqualTo(2);
                          assertThat(e.getLastTimestamp())
                              .isGreaterThanOrEqualTo(e.getFirstTimestamp());
                        }));
  }

  private static List<Event> driftRepairs(KubernetesClient kube, String network) {
    return NetworkTestSupport.events(kube, network).stream()
        .filter(e -> e.getReason().equals("DriftRepaired"))
        .toList();
  }

  @Test
  void aRestartedDaemonIsFollowedAgainAndDriftAfterwardsIsRepaired() {
    kube.resource(Fixtures.network("restart", "198.18.13.0/24")).create();
    NetworkTestSupport.awaitReady(kube, "restart", bed.nodeNames().size());

    for (String node : bed.onePerEngine()) {
      bed.restartNodeDaemon(node);
      DockerClient a = bed.node(node).docker();
      assertThat(dockerNetwork(node, "restart")).as(node).isPresent();

      a.removeNetworkCmd("restart").exec();

      await().atMost(CONVERGE).until(() -> dockerNetwork(node, "restart").isPresent());
      NetworkTestSupport.awaitReady(kube, "restart", bed.nodeNames().size());
    }
  }

  @Test
  void deletionFinishesWhenANodeLeftTheClusterWithItsFinalizerAndReport() {
    kube.resource(Fixtures.network("departed", "198.18.14.0/24")).create();
    NetworkTestSupport.awaitReady(kube, "departed", bed.nodeNames().size());
    operators.stopAgent("node-c");
    try {
      kube.nodes().withName("node-c").delete();

      kube.resources(DockerNetwork.class).withName("departed").delete();

      await().atMost(CONVERGE).until(() -> NetworkTestSupport.find(kube, "departed").isEmpty());
      // The controller drops the departed node's finalizer first, then deletes its report.
      await()
          .atMost(CONVERGE)
          .untilAsserted(() -> assertThat(NetworkTestSupport.reports(kube, "departed")).isEmpty());
      assertThat(dockerNetwork("node-a", "departed")).isEmpty();
    } finally {
      bed.ensureNodeObjects();
      operators.startAgent("node-c");
    }
  }

  @Test
  void whatOnlyTheNodeKnowsBecomesAPerNodeReasonAndClearsWhenTheCauseGoes() {
    Map<String, String> overlapping = new java.util.HashMap<>();
    for (String node : bed.onePerEngine()) {
      DockerClient a = bed.node(node).docker();
      overlapping.put(node, NetworkTestSupport.createForeign(a, "someone-elses", "198.18.20.0/24"));
      a.createNetworkCmd()
          .withName("bridge-hog")
          .withOptions(Map.of("com.docker.network.bridge.name", "dn-taken"))
          .exec();
    }
    kube.resource(Fixtures.network("pool-clash", "198.18.20.0/25")).create();
    kube.resource(
            Fixtures.withBridge(Fixtures.network("bridge-clash", "198.18.21.0/24"), "dn-taken"))
        .create();

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              for (String node : bed.onePerEngine()) {
                var pool = NetworkTestSupport.report(kube, "pool-clash", node);
                assertThat(pool.phase).as("%s: %s", node, pool.message).isEqualTo(Phase.Error);
                assertThat(pool.reason).as("%s: %s", node, pool.message).isEqualTo("PoolOverlap");
                assertThat(pool.message).contains("overlaps");
                var bridge = NetworkTestSupport.report(kube, "bridge-clash", node);
                assertThat(bridge.phase).as(node).isEqualTo(Phase.Error);
                assertThat(bridge.reason).as(node).isEqualTo("BridgeNameTaken");
              }
            });
    int clashing = bed.onePerEngine().size();
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(NetworkTestSupport.condition(kube, "pool-clash", "Degraded"))
                  .isEqualTo("True");
              assertThat(NetworkTestSupport.get(kube, "pool-clash").getStatus().ready)
                  .isEqualTo((bed.nodeNames().size() - clashing) + "/" + bed.nodeNames().size());
            });

    overlapping.forEach((node, id) -> bed.node(node).docker().removeNetworkCmd(id).exec());

    NetworkTestSupport.awaitReady(kube, "pool-clash", bed.nodeNames().size());
    assertThat(NetworkTestSupport.condition(kube, "pool-clash", "Degraded")).isEqualTo("False");
  }

  @Test
  void everyRoleServesMetricsAndProbes() throws Exception {
    kube.resource(Fixtures.network("metered", "198.18.22.0/24")).create();
    NetworkTestSupport.awaitReady(kube, "metered", bed.nodeNames().size());

    for (String node : bed.onePerEngine()) {
      String agent = NetworkTestSupport.http(operators.agent(node).httpPort(), "/metrics");
      assertThat(agent)
          .as(node)
          .contains("dockernet_reconcile_seconds_count{kind=\"DockerNetwork\"")
          .contains("dockernet_docker_api_call_seconds_count{")
          .contains("operation=\"createNetwork\"")
          .contains("dockernet_docker_event_stream_reconnects_total");
      assertThat(agent)
          .contains("dockernet_apply_latency_seconds_count{kind=\"DockerNetwork\"")
          .contains("dockernet_managed_networks{kind=\"DockerNetwork\"");
      assertThat(NetworkTestSupport.promtoolProblems(agent)).as(node).isEmpty();
    }
    String controller = NetworkTestSupport.http(operators.controller().httpPort(), "/metrics");
    assertThat(controller).contains("dockernetwork-summary");
    assertThat(NetworkTestSupport.promtoolProblems(controller)).isEmpty();
    List<DockernetOperator> roles = new java.util.ArrayList<>();
    bed.onePerEngine().forEach(node -> roles.add(operators.agent(node)));
    roles.add(operators.controller());
    for (var op : roles) {
      assertThat(NetworkTestSupport.http(op.httpPort(), "/healthz")).isEqualTo("ok\n");
      assertThat(NetworkTestSupport.http(op.httpPort(), "/readyz")).isEqualTo("ok\n");
    }
  }

  @Test
  void anAgentStartedWhileDockerIsDownSaysSoAndCatchesUpWhenTheDaemonAppears() throws Exception {
    String node = bed.onePerEngine().get(0);
    operators.stopAgent(node);
    bed.stopNodeDaemon(node);
    try {
      // Starting does not fail (no crash loop): the pod runs, alive but not ready.
      DockernetOperator agent = operators.startAgent(node);
      kube.resource(Fixtures.network("late-docker", "198.18.23.0/24")).create();

      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                var report = NetworkTestSupport.report(kube, "late-docker", node);
                assertThat(report.phase).isEqualTo(Phase.Error);
                assertThat(report.reason).isEqualTo("DockerUnavailable");
              });
      assertThat(NetworkTestSupport.httpStatus(agent.httpPort(), "/readyz"))
          .startsWith("503 not ready:")
          .contains("Docker event stream not open");
      assertThat(NetworkTestSupport.httpStatus(agent.httpPort(), "/healthz")).isEqualTo("200 ok\n");
    } finally {
      bed.startNodeDaemon(node);
    }

    NetworkTestSupport.awaitReady(kube, "late-docker", bed.nodeNames().size());
    assertThat(dockerNetwork(node, "late-docker")).isPresent();
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                NetworkTestSupport.httpStatus(operators.agent(node).httpPort(), "/readyz")
                    .equals("200 ok\n"));
  }

  @Test
  void invalidSpecsAreRejectedByTheApiServerWithAReadableMessage() {
    DockerNetwork outside = Fixtures.network("bad-gw", "198.18.15.0/24");
    outside.getSpec().ipam.config.get(0).gateway = "198.18.16.1";
    assertThatThrownBy(() -> kube.resource(outside).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("gateway must be inside subnet");

    DockerNetwork notCidr = Fixtures.network("bad-cidr", "198.18.15.0/33");
    assertThatThrownBy(() -> kube.resource(notCidr).create())
        .hasMessageContaining("subnet must be a CIDR");

    // A typo is not fixed behind the user's back: refused in the words Engine 25+ uses itself.
    DockerNetwork hostBits = Fixtures.network("bad-host-bits", "198.18.37.5/24");
    assertThatThrownBy(() -> kube.resource(hostBits).create())
        .hasMessageContaining("invalid subnet 198.18.37.5/24: it should be 198.18.37.0/24");
    DockerNetwork hostBits6 = Fixtures.network("bad-host-bits6", "fd00:0:0:1::1/64");
    assertThatThrownBy(() -> kube.resource(hostBits6).create())
        .hasMessageContaining("invalid subnet fd00:0:0:1::1/64: it should be fd00:0:0:1::/64");
    DockerNetwork rangeBits = Fixtures.network("bad-range-bits", "198.18.38.0/24");
    rangeBits.getSpec().ipam.config.get(0).ipRange = "198.18.38.130/25";
    assertThatThrownBy(() -> kube.resource(rangeBits).create())
        .hasMessageContaining("invalid ip-range 198.18.38.130/25: it should be 198.18.38.128/25");

    DockerNetwork predefined = Fixtures.network("x", null);
    predefined.getSpec().networkName = "host";
    assertThatThrownBy(() -> kube.resource(predefined).create()).hasMessageContaining("predefined");

    assertThat(kube.resources(DockerNetwork.class).list().getItems()).isEmpty();
  }

  private Optional<Network> dockerNetwork(String node, String name) {
    return bed.node(node).docker().listNetworksCmd().withNameFilter(name).exec().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst();
  }
}
