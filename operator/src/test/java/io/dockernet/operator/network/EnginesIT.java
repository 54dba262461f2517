package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.chart.Kubectl;
import io.dockernet.operator.docker.ScriptedDaemon;
import io.dockernet.operator.fault.ExtraNodes;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mix of Engines users run, as they see it: every node spoken to in an API version it accepts
 * (20.10 in 1.41, 26.1.5 in 1.45, 28.5.2 refusing anything below 1.44 in 1.51), named in every
 * per-node report and in {@code kubectl get}; what a node's Engine cannot do refused there up
 * front; an Engine upgraded in place followed without touching the network; an Engine too old to
 * speak to named with both versions.
 */
@ExtendWith(TestBedExtension.class)
class EnginesIT {

  private static final Duration CONVERGE = NetworkTestSupport.CONVERGE;

  /** The API version the agent must speak to each Engine of the test bed. */
  private static final Map<String, String> API = Map.of("20.10", "1.41", "26.1.5", "1.45");

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
  void everyNodeSaysWhichEngineItRunsAndWhichApiVersionItIsSpokenToIn() {
    kube.resource(Fixtures.network("engines", "198.18.30.0/24")).create();
    NetworkTestSupport.awaitReady(kube, "engines", bed.nodeNames().size());

    for (TestNode node : bed.nodes().values()) {
      NetworkReport r = NetworkTestSupport.report(kube, "engines", node.name());
      assertThat(r.engineVersion).as(node.name()).startsWith(node.engineVersion());
      assertThat(r.apiVersion).as(node.name()).isEqualTo(expectedApi(node));
    }
    String table =
        Kubectl.run(
            bed, "get", "dnetns", "-l", "dockernet.io/docker-network=engines", "--no-headers");
    for (TestNode node : bed.nodes().values()) {
      assertThat(table.lines().filter(l -> l.startsWith("engines." + node.name() + " ")))
          .as("kubectl get dnetns:\n%s", table)
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line.split("\\s+"))
                      .contains("NetworkReady")
                      .anySatisfy(c -> assertThat(c).startsWith(node.engineVersion()))
                      .contains(expectedApi(node)));
    }
    assertThat(Kubectl.run(bed, "get", "dnetns", "-l", "dockernet.io/docker-network=engines"))
        .as("column headers")
        .contains("ENGINE")
        .contains("API");
  }

  @Test
  void anIpv6OnlyRoutedNetworkIsMadeWhereTheEngineCanAndRefusedUpFrontElsewhere() {
    DockerNetwork dn = Fixtures.network("v6only", "fd00:198:18:31::/64");
    dn.getSpec().enableIPv6 = true;
    dn.getSpec().enableIPv4 = false;
    dn.getSpec().options = Map.of("com.docker.network.bridge.gateway_mode_ipv6", "routed");
    kube.resource(dn).create();

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              for (TestNode node : bed.nodes().values()) {
                NetworkReport r = NetworkTestSupport.report(kube, "v6only", node.name());
                if (node.engineVersion().equals("28.5.2")) {
                  assertThat(r.phase).as("%s: %s", node.name(), r.message).isEqualTo(Phase.Ready);
                } else {
                  assertThat(r.phase).as(node.name()).isEqualTo(Phase.Error);
                  assertThat(r.reason).as(node.name()).isEqualTo("UnsupportedByEngine");
                  assertThat(r.message)
                      .as(node.name())
                      .contains("IPv6-only network (enableIPv4: false) needs Docker Engine 28.0")
                      .contains("gateway mode routed")
                      .contains(node.engineVersion());
                }
              }
            });
    for (TestNode node : bed.nodes().values()) {
      Optional<Network> made = dockerNetwork(node, "v6only");
      if (node.engineVersion().equals("28.5.2")) {
        Network n = made.orElseThrow();
        assertThat(n.getRawValues()).as(node.name()).containsEntry("EnableIPv4", false);
        assertThat(n.getIpam().getConfig())
            .extracting(Network.Ipam.Config::getSubnet)
            .containsExactly("fd00:198:18:31::/64");
      } else {
        assertThat(made).as("nothing created on %s", node.name()).isEmpty();
      }
    }
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(NetworkTestSupport.condition(kube, "v6only", "Degraded"))
                    .isEqualTo("True"));
  }

  @Test
  void anEngineUpgradedInPlaceIsSpokenToInItsNewVersionAndTheNetworkIsLeftAsItWas()
      throws Exception {
    try (ExtraNodes extra = ExtraNodes.start(bed, bed.nodeNames().size() + 1)) {
      TestNode node = extra.nodes().values().iterator().next();
      operators.startAgent(node.name(), node.dockerHost());
      try {
        DockerNetwork dn =
            Fixtures.withBridge(Fixtures.network("upgraded", "198.18.32.0/24"), "dn-upgraded");
        dn.getSpec().nodeSelector =
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("kubernetes.io/hostname", node.name()))
                .build();
        kube.resource(dn).create();
        NetworkTestSupport.awaitReady(kube, "upgraded", 1);
        NetworkReport before = NetworkTestSupport.report(kube, "upgraded", node.name());
        assertThat(before.engineVersion).startsWith("20.10");
        assertThat(before.apiVersion).isEqualTo("1.41");
        String id = dockerNetwork(node, "upgraded").orElseThrow().getId();
        long writes = NetworkTestSupport.dockerWrites(operators.agent(node.name()).metrics());

        // apt upgrade docker.io: the daemon comes back as 28.5.2, refusing API 1.41.
        TestNode upgraded = extra.restartOn(node.name(), "28.5.2:1.44");

        await()
            .atMost(CONVERGE)
            .untilAsserted(
                () -> {
                  NetworkReport r = NetworkTestSupport.report(kube, "upgraded", node.name());
                  assertThat(r.engineVersion).startsWith("28.5.2");
                  assertThat(r.apiVersion).isEqualTo("1.51");
                  assertThat(r.phase).as(r.message).isEqualTo(Phase.Ready);
                });
        assertThat(dockerNetwork(upgraded, "upgraded").orElseThrow().getId())
            .as("the network the 20.10 daemon had, kept")
            .isEqualTo(id);
        assertThat(NetworkTestSupport.dockerWrites(operators.agent(node.name()).metrics()))
            .as("Docker writes after the upgrade")
            .isEqualTo(writes);

        // And it is followed again: a hand-run `docker network rm` is repaired.
        upgraded.docker().removeNetworkCmd("upgraded").exec();
        await().atMost(CONVERGE).until(() -> dockerNetwork(upgraded, "upgraded").isPresent());
      } finally {
        kube.resources(DockerNetwork.class).withName("upgraded").delete();
        await().atMost(CONVERGE).until(() -> NetworkTestSupport.find(kube, "upgraded").isEmpty());
        operators.stopAgent(node.name());
      }
    }
  }

  @Test
  void anEngineTooOldToSpeakToIsNamedWithBothVersionsInTheNodesReport(@TempDir Path dir)
      throws Exception {
    String name = "node-legacy";
    // No Engine older than 20.10 can be fetched here: a socket answering GET /version as Docker
    // 19.03 does stands for one (the agent sends it nothing else).
    try (ScriptedDaemon old =
        new ScriptedDaemon(dir.resolve("docker.sock"), "19.03.15", "1.40", "1.12")) {
      kube.nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .addToLabels(TestBed.NODE_LABEL, "true")
                  .addToLabels("kubernetes.io/hostname", name)
                  .endMetadata()
                  .build())
          .serverSideApply();
      operators.startAgent(name, URI.create("unix://" + old.socket()));
      try {
        DockerNetwork dn = Fixtures.network("on-legacy", "198.18.33.0/24");
        dn.getSpec().nodeSelector =
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("kubernetes.io/hostname", name))
                .build();
        kube.resource(dn).create();

        await()
            .atMost(CONVERGE)
            .untilAsserted(
                () -> {
                  NetworkReport r = NetworkTestSupport.report(kube, "on-legacy", name);
                  assertThat(r.phase).isEqualTo(Phase.Error);
                  assertThat(r.reason).isEqualTo("EngineTooOld");
                  assertThat(r.message)
                      .contains("Docker Engine 19.03.15")
                      .contains("up to 1.40")
                      .contains("1.41 or newer (Docker Engine 20.10 or newer)");
                  assertThat(r.engineVersion).isEqualTo("19.03.15");
                  assertThat(r.apiVersion).isNull();
                });
        assertThat(old.requests()).allMatch(r -> r.equals("GET /version"));
      } finally {
        // The node leaves: the controller drops its finalizer, so deletion (clean()) completes.
        operators.stopAgent(name);
        kube.nodes().withName(name).delete();
      }
    }
  }

  private static String expectedApi(TestNode node) {
    return API.getOrDefault(node.engineVersion(), "1.51");
  }

  private static Optional<Network> dockerNetwork(TestNode node, String name) {
    return node.docker().listNetworksCmd().withNameFilter(name).exec().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst();
  }
}
