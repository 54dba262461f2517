package io.dockernet.operator.attachment;

import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitNetworkReady;
import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitReady;
import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitReport;
import static io.dockernet.operator.attachment.AttachmentTestSupport.dockerNetwork;
import static io.dockernet.operator.attachment.AttachmentTestSupport.endpoint;
import static io.dockernet.operator.attachment.AttachmentTestSupport.events;
import static io.dockernet.operator.attachment.AttachmentTestSupport.report;
import static io.dockernet.operator.attachment.AttachmentTestSupport.reports;
import static io.dockernet.operator.attachment.AttachmentTestSupport.run;
import static io.dockernet.operator.testbed.Fixtures.attachment;
import static io.dockernet.operator.testbed.Fixtures.network;
import static io.dockernet.operator.testbed.Fixtures.withBridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.RestartPolicy;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.testbed.Edits;
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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ContainerAttachment end to end: real API server, one real Docker daemon and agent per node,
 * busybox containers started the way an admin would (`docker run`), and what `kubectl get` and
 * `docker inspect` then show. What a test does on a single node it does on one node of each Engine
 * of the test bed at once ({@link TestBed#onePerEngine}: 20.10, 28.5.2 refusing API versions below
 * 1.44, 26.1.5): an attachment acts on every node where its container exists.
 */
@ExtendWith(TestBedExtension.class)
class ContainerAttachmentIT {

  /** "Within about a second": the bound asserted for event-driven repairs. */
  /**
   * Reactions that Docker's event stream drives: far longer than they take (well under a second) so
   * a loaded machine does not fail them, far shorter than the 60 s drift check that would otherwise
   * do the work.
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

  private DockerClient docker(String node) {
    return bed.node(node).docker();
  }

  /** One node per Engine of the test bed: where single-node scenarios run. */
  private static List<String> engines() {
    return bed.onePerEngine();
  }

  @Test
  void theSeedScenarioTest2At172_18_0_10IsReachableFromAnotherContainer() {
    // docker network create --subnet=... -o com.docker.network.bridge.name=docker1 mynetwork
    DockerNetwork mynetwork = withBridge(network("mynetwork", "198.18.100.0/24"), "dn-seed");
    mynetwork.getSpec().ipam.config.get(0).gateway = "198.18.100.1";
    kube.resource(mynetwork).create();
    awaitNetworkReady(kube, bed, "mynetwork");
    Map<String, String> test2 = new java.util.LinkedHashMap<>();
    for (String node : engines()) {
      // docker run -d -p 43000:80 --name test2 busybox
      test2.put(
          node,
          run(
              docker(node),
              "test2",
              c ->
                  c.withExposedPorts(ExposedPort.tcp(80))
                      .withHostConfig(
                          HostConfig.newHostConfig()
                              .withPortBindings(PortBinding.parse("43000:80")))));
    }

    kube.resource(attachment("test2-mynetwork", "test2", "mynetwork", "198.18.100.10", "test2"))
        .create();

    for (String node : engines()) {
      DockerClient a = docker(node);
      AttachmentReport r = awaitReport(kube, "test2-mynetwork", node, Phase.Ready, "Attached");
      ContainerNetwork inspected = endpoint(a, "test2", "mynetwork").orElseThrow();
      assertThat(inspected.getIpAddress()).as(node).isEqualTo("198.18.100.10");
      assertThat(inspected.getIpamConfig().getIpv4Address()).isEqualTo("198.18.100.10");
      assertThat(inspected.getAliases()).as(node).contains("test2");
      assertThat(r.containerId).isEqualTo(test2.get(node));
      assertThat(r.containerName).isEqualTo("test2");
      // A container run without --network: 20.10 says "default", 26 and newer "bridge".
      assertThat(r.networkMode).as(node).isIn("default", "bridge");
      assertThat(r.networkId).isEqualTo(inspected.getNetworkID());
      assertThat(r.endpointId).isEqualTo(inspected.getEndpointId());
      assertThat(r.ipv4Address).isEqualTo("198.18.100.10");
      assertThat(r.ipv4PrefixLength).isEqualTo(24);
      assertThat(r.gateway).isEqualTo("198.18.100.1");
      assertThat(r.macAddress).isEqualTo(inspected.getMacAddress());
      assertThat(r.publishedPorts).as(node).contains("0.0.0.0:43000->80/tcp");
      assertThat(r.bridge).isEqualTo("dn-seed");
      assertThat(r.hostInterface).as("host-side veth on %s", node).startsWith("veth");
      assertThat(AttachmentTestSupport.bridgePorts(node, "dn-seed"))
          .as("brctl show dn-seed on %s", node)
          .contains(r.hostInterface + "@");
    }
    // Only the nodes where the container exists take part.
    assertThat(reports(kube, "test2-mynetwork"))
        .extracting(s -> s.nodeName)
        .containsExactlyInAnyOrderElementsOf(engines());
    awaitReady(kube, "test2-mynetwork", engines().size());

    for (String node : engines()) {
      DockerClient a = docker(node);
      // docker run --net mynetwork busybox ping test2: inside the node's own network namespace.
      run(
          a,
          "client",
          c -> c.withHostConfig(HostConfig.newHostConfig().withNetworkMode("mynetwork")));
      assertThat(
              AttachmentTestSupport.exec(
                  a, "client", "ping", "-c", "1", "-W", "2", "198.18.100.10"))
          .as("ping 198.18.100.10 from another container on %s", node)
          .isZero();
      assertThat(AttachmentTestSupport.exec(a, "client", "ping", "-c", "1", "-W", "2", "test2"))
          .as("ping the alias test2 on %s", node)
          .isZero();
    }
  }

  @Test
  void applyingTheSameSpecAgainOrRestartingTheAgentMakesNoDockerWrite() {
    kube.resource(network("idem", "198.18.101.0/24")).create();
    awaitNetworkReady(kube, bed, "idem");
    engines().forEach(node -> run(docker(node), "app"));
    kube.resource(attachment("app-idem", "app", "idem", "198.18.101.10", "app")).create();
    engines().forEach(node -> awaitReport(kube, "app-idem", node, Phase.Ready, "Attached"));

    engines().forEach(operators::startAgent);
    kube.resource(attachment("app-idem", "app", "idem", "198.18.101.10", "app"))
        .fieldManager("kubectl")
        .forceConflicts()
        .serverSideApply();

    for (String node : engines()) {
      var metrics = operators.agent(node).metrics();
      await()
          .atMost(AttachmentTestSupport.CONVERGE)
          .until(() -> AttachmentTestSupport.reconciles(metrics, "Ready") >= 1);
      assertThat(AttachmentTestSupport.dockerWrites(metrics))
          .as("Docker writes on %s", node)
          .isZero();
    }
    awaitReady(kube, "app-idem", engines().size());
  }

  @Test
  void aChangedSpecReconnectsAndTheContainerKeepsRunningOnItsOtherNetworks() {
    kube.resource(network("change", "198.18.102.0/24")).create();
    awaitNetworkReady(kube, bed, "change");
    Map<String, String> app = new java.util.LinkedHashMap<>();
    Map<String, String> bridgeEndpoint = new java.util.LinkedHashMap<>();
    for (String node : engines()) {
      app.put(node, run(docker(node), "app"));
      bridgeEndpoint.put(
          node, endpoint(docker(node), "app", "bridge").orElseThrow().getEndpointId());
    }
    kube.resource(attachment("app-change", "app", "change", "198.18.102.10", "app")).create();
    engines().forEach(node -> awaitReport(kube, "app-change", node, Phase.Ready, "Attached"));

    AttachmentTestSupport.edit(
        kube,
        "app-change",
        s -> {
          s.ipv4Address = "198.18.102.20";
          s.aliases = List.of("app", "api");
        });

    for (String node : engines()) {
      DockerClient b = docker(node);
      AttachmentReport r = awaitReport(kube, "app-change", node, Phase.Ready, "Attached");
      assertThat(r.ipv4Address).as(node).isEqualTo("198.18.102.20");
      ContainerNetwork now = endpoint(b, "app", "change").orElseThrow();
      assertThat(now.getIpAddress()).as(node).isEqualTo("198.18.102.20");
      assertThat(now.getAliases()).as(node).contains("app", "api");
      assertThat(endpoint(b, "app", "bridge").orElseThrow().getEndpointId())
          .as(node)
          .isEqualTo(bridgeEndpoint.get(node));
      assertThat(b.inspectContainerCmd(app.get(node)).exec().getState().getRunning()).isTrue();
    }
    // The agent records the Event after it writes the report.
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(events(kube, "app-change"))
                    .extracting(Event::getReason)
                    .contains("Reconnected"));
  }

  @Test
  void aMissingContainerWaitsAndIsAttachedPromptlyWhenItAppearsOrIsRecreated() {
    kube.resource(network("late", "198.18.103.0/24")).create();
    awaitNetworkReady(kube, bed, "late");
    ContainerAttachment ca = attachment("late-app", "late-app", "late", "198.18.103.10");
    ca.getSpec().nodeSelector =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("kubernetes.io/hostname")
            .withOperator("In")
            .withValues(engines())
            .endMatchExpression()
            .build();
    kube.resource(ca).create();
    for (String node : engines()) {
      AttachmentReport waiting =
          awaitReport(kube, "late-app", node, Phase.Waiting, "ContainerNotFound");
      assertThat(waiting.message).contains("late-app");
    }
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(AttachmentTestSupport.get(kube, "late-app").getStatus())
                    .isNotNull()
                    .satisfies(
                        s ->
                            assertThat(s.conditions)
                                .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Ready"))));
    for (String node : engines()) {
      DockerClient b = docker(node);

      long started = System.nanoTime();
      String first = run(b, "late-app");
      awaitReport(kube, "late-app", node, Phase.Ready, "Attached", PROMPTLY);
      System.out.printf(
          "%s: attached %d ms after docker run%n", node, (System.nanoTime() - started) / 1_000_000);

      b.removeContainerCmd(first).withForce(true).exec();
      awaitReport(kube, "late-app", node, Phase.Waiting, "ContainerNotFound");
      String second = run(b, "late-app");

      AttachmentReport back =
          awaitReport(kube, "late-app", node, Phase.Ready, "Attached", PROMPTLY);
      assertThat(back.containerId).isEqualTo(second).isNotEqualTo(first);
      assertThat(back.ipv4Address).isEqualTo("198.18.103.10");
      assertThat(endpoint(b, "late-app", "late").orElseThrow().getIpAddress())
          .as(node)
          .isEqualTo("198.18.103.10");
    }
  }

  @Test
  void hostNoneAndSharedNamespaceContainersAreReportedAndNotRetriedHot() {
    kube.resource(network("modes", "198.18.104.0/24")).create();
    awaitNetworkReady(kube, bed, "modes");
    for (String node : engines()) {
      DockerClient c = docker(node);
      run(c, "main");
      run(c, "on-host", x -> x.withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")));
      run(c, "isolated", x -> x.withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")));
      run(
          c,
          "sidecar",
          x -> x.withHostConfig(HostConfig.newHostConfig().withNetworkMode("container:main")));
    }

    kube.resource(attachment("on-host", "on-host", "modes", null)).create();
    kube.resource(attachment("isolated", "isolated", "modes", null)).create();
    kube.resource(attachment("sidecar", "sidecar", "modes", null)).create();

    for (String node : engines()) {
      String host =
          awaitReport(kube, "on-host", node, Phase.Error, "IncompatibleNetworkMode").message;
      String none =
          awaitReport(kube, "isolated", node, Phase.Error, "IncompatibleNetworkMode").message;
      String shared =
          awaitReport(kube, "sidecar", node, Phase.Error, "IncompatibleNetworkMode").message;
      assertThat(host).as(node).contains("--network host");
      assertThat(none).as(node).contains("--network none");
      assertThat(shared).as(node).contains("shares the network namespace of container main");
    }
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        AttachmentTestSupport.condition(
                            AttachmentTestSupport.get(kube, "sidecar"), "Degraded"))
                    .isEqualTo("True"));

    Map<String, Long> errorsBefore = new java.util.LinkedHashMap<>();
    engines()
        .forEach(
            n ->
                errorsBefore.put(
                    n, AttachmentTestSupport.reconciles(operators.agent(n).metrics(), "Error")));
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(
            () ->
                engines().stream()
                    .allMatch(
                        n ->
                            AttachmentTestSupport.reconciles(operators.agent(n).metrics(), "Error")
                                    - errorsBefore.get(n)
                                <= 6));
  }

  @Test
  void badStaticAddressesAreRefusedEachWithItsOwnReasonAndIpRangeOnlyWarns() {
    DockerNetwork checks = network("checks", "198.18.105.0/24");
    IpamPoolSpec pool = checks.getSpec().ipam.config.get(0);
    pool.gateway = "198.18.105.1";
    pool.ipRange = "198.18.105.128/25";
    pool.auxAddresses = Map.of("printer", "198.18.105.5");
    kube.resource(checks).create();
    awaitNetworkReady(kube, bed, "checks");
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("outside", new String[] {"198.18.106.10", "AddressOutsideSubnets"});
    cases.put("gateway", new String[] {"198.18.105.1", "AddressIsGateway"});
    cases.put("netaddr", new String[] {"198.18.105.0", "AddressIsNetworkAddress"});
    cases.put("broadcast", new String[] {"198.18.105.255", "AddressIsBroadcast"});
    cases.put("aux", new String[] {"198.18.105.5", "AddressReserved"});
    for (String node : engines()) {
      for (var e : cases.entrySet()) {
        run(docker(node), e.getKey());
      }
      run(docker(node), "ranged");
      run(docker(node), "defaultbr");
    }
    for (var e : cases.entrySet()) {
      kube.resource(attachment(e.getKey(), e.getKey(), "checks", e.getValue()[0])).create();
    }
    kube.resource(attachment("ranged", "ranged", "checks", "198.18.105.200")).create();
    kube.resource(attachment("defaultbr", "defaultbr", "bridge", "198.19.1.50")).create();

    for (String node : engines()) {
      for (var e : cases.entrySet()) {
        AttachmentReport r = awaitReport(kube, e.getKey(), node, Phase.Error, e.getValue()[1]);
        assertThat(r.message).contains(e.getValue()[0]);
        assertThat(endpoint(docker(node), e.getKey(), "checks"))
            .as("%s on %s", e.getKey(), node)
            .isEmpty();
      }
      AttachmentReport bridge =
          awaitReport(kube, "defaultbr", node, Phase.Error, "StaticAddressOnDefaultBridge");
      assertThat(bridge.message).contains("default bridge");
      AttachmentReport ranged = awaitReport(kube, "ranged", node, Phase.Ready, "Attached");
      assertThat(ranged.warnings)
          .as(node)
          .singleElement()
          .satisfies(
              w ->
                  assertThat(w).startsWith("StaticAddressInIpRange").contains("198.18.105.128/25"));
    }
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .untilAsserted(
            () -> {
              ContainerAttachment ca = AttachmentTestSupport.get(kube, "ranged");
              assertThat(AttachmentTestSupport.condition(ca, "Ready")).isEqualTo("True");
              assertThat(AttachmentTestSupport.condition(ca, "Warning")).isEqualTo("True");
            });

    // What the schema can check is refused at kubectl apply.
    assertThatThrownBy(
            () -> kube.resource(attachment("syntax", "x", "checks", "198.18.105.300")).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("ipv4Address must be an IPv4 address");
  }

  @Test
  void anAddressInUseNamesTheContainerHoldingItAndIsTakenOnceFreed() {
    kube.resource(network("busy", "198.18.107.0/24")).create();
    awaitNetworkReady(kube, bed, "busy");
    for (String node : engines()) {
      DockerClient a = docker(node);
      String squatter = run(a, "squatter");
      a.connectToNetworkCmd()
          .withNetworkId("busy")
          .withContainerId(squatter)
          .withContainerNetwork(
              new ContainerNetwork()
                  .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address("198.18.107.10")))
          .exec();
      run(a, "wanter");
    }

    kube.resource(attachment("wanter", "wanter", "busy", "198.18.107.10")).create();

    for (String node : engines()) {
      AttachmentReport conflict = awaitReport(kube, "wanter", node, Phase.Conflict, "AddressInUse");
      assertThat(conflict.message).as(node).contains("198.18.107.10").contains("squatter");
    }
    for (String node : engines()) {
      DockerClient a = docker(node);
      a.disconnectFromNetworkCmd().withNetworkId("busy").withContainerId("squatter").exec();
      awaitReport(kube, "wanter", node, Phase.Ready, "Attached");
      assertThat(endpoint(a, "wanter", "busy").orElseThrow().getIpAddress())
          .as(node)
          .isEqualTo("198.18.107.10");
    }
  }

  @Test
  void twoAttachmentsClaimingOneAddressGiveExactlyOneStableConflict() {
    kube.resource(network("claims", "198.18.108.0/24")).create();
    awaitNetworkReady(kube, bed, "claims");
    for (String node : engines()) {
      run(docker(node), "first");
      run(docker(node), "second");
    }

    kube.resource(attachment("claim-a", "first", "claims", "198.18.108.10")).create();
    kube.resource(attachment("claim-b", "second", "claims", "198.18.108.10")).create();

    for (String node : engines()) {
      awaitReport(kube, "claim-a", node, Phase.Ready, "Attached");
      AttachmentReport loser = awaitReport(kube, "claim-b", node, Phase.Conflict, "AddressClaimed");
      assertThat(loser.message).as(node).contains("claim-a").contains("first");
    }
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (String node : engines()) {
                DockerClient a = docker(node);
                assertThat(report(kube, "claim-a", node).orElseThrow().phase)
                    .isEqualTo(Phase.Ready);
                assertThat(report(kube, "claim-b", node).orElseThrow().phase)
                    .isEqualTo(Phase.Conflict);
                assertThat(endpoint(a, "first", "claims").orElseThrow().getIpAddress())
                    .isEqualTo("198.18.108.10");
                assertThat(endpoint(a, "second", "claims")).as(node).isEmpty();
              }
            });
  }

  @Test
  void aHandRunDisconnectIsUndonePromptlyWithAnEvent() {
    kube.resource(network("drift", "198.18.109.0/24")).create();
    awaitNetworkReady(kube, bed, "drift");
    engines().forEach(node -> run(docker(node), "app"));
    kube.resource(attachment("app-drift", "app", "drift", "198.18.109.10")).create();
    engines().forEach(node -> awaitReport(kube, "app-drift", node, Phase.Ready, "Attached"));

    for (String node : engines()) {
      DockerClient c = docker(node);
      long started = System.nanoTime();
      c.disconnectFromNetworkCmd().withNetworkId("drift").withContainerId("app").exec();

      await()
          .atMost(PROMPTLY)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> endpoint(c, "app", "drift").isPresent());
      System.out.printf(
          "%s: reattached %d ms after docker network disconnect%n",
          node, (System.nanoTime() - started) / 1_000_000);
      assertThat(endpoint(c, "app", "drift").orElseThrow().getIpAddress())
          .as(node)
          .isEqualTo("198.18.109.10");
      await()
          .atMost(AttachmentTestSupport.CONVERGE)
          .untilAsserted(
              () ->
                  assertThat(events(kube, "app-drift"))
                      .anySatisfy(
                          e -> {
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getReason()).isEqualTo("DriftRepaired");
                            assertThat(e.getMessage()).contains(node).contains("app");
                          }));
    }
  }

  @Test
  void whenTheDockerNetworkIsRecreatedTheAttachmentsComeBackAtTheSameAddresses() {
    kube.resource(network("remake", "198.18.110.0/24")).create();
    awaitNetworkReady(kube, bed, "remake");
    run(docker("node-a"), "one");
    run(docker("node-b"), "two");
    kube.resource(attachment("one", "one", "remake", "198.18.110.11")).create();
    kube.resource(attachment("two", "two", "remake", "198.18.110.12")).create();
    String oldId = awaitReport(kube, "one", "node-a", Phase.Ready, "Attached").networkId;
    awaitReport(kube, "two", "node-b", Phase.Ready, "Attached");

    Edits.edit(
        kube.resources(DockerNetwork.class).withName("remake"),
        dn -> {
          dn.getSpec().labels = Map.of("tier", "backend");
          return dn;
        });

    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(
            () ->
                dockerNetwork(docker("node-a"), "remake")
                    .map(n -> !n.getId().equals(oldId))
                    .orElse(false));
    awaitNetworkReady(kube, bed, "remake");
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .untilAsserted(
            () -> {
              AttachmentReport one = report(kube, "one", "node-a").orElseThrow();
              assertThat(one.phase).isEqualTo(Phase.Ready);
              assertThat(one.networkId).isNotEqualTo(oldId);
              assertThat(one.ipv4Address).isEqualTo("198.18.110.11");
              assertThat(report(kube, "two", "node-b").orElseThrow().ipv4Address)
                  .isEqualTo("198.18.110.12");
              // node-b's attachment reconnects to the recreated network after node-b reports
              // the network Ready.
              assertThat(endpoint(docker("node-a"), "one", "remake").orElseThrow().getIpAddress())
                  .isEqualTo("198.18.110.11");
              assertThat(endpoint(docker("node-b"), "two", "remake").orElseThrow().getIpAddress())
                  .isEqualTo("198.18.110.12");
            });
  }

  @Test
  void afterADaemonRestartTheAttachmentIsBackAndStillKeptConnected() {
    kube.resource(network("restart", "198.18.111.0/24")).create();
    awaitNetworkReady(kube, bed, "restart");
    for (String node : engines()) {
      run(
          docker(node),
          "always",
          c ->
              c.withHostConfig(
                  HostConfig.newHostConfig().withRestartPolicy(RestartPolicy.alwaysRestart())));
    }
    kube.resource(attachment("always", "always", "restart", "198.18.111.10")).create();
    engines().forEach(node -> awaitReport(kube, "always", node, Phase.Ready, "Attached"));

    for (String node : engines()) {
      DockerClient b = bed.restartNodeDaemon(node).docker();

      await()
          .atMost(AttachmentTestSupport.CONVERGE)
          .until(() -> b.inspectContainerCmd("always").exec().getState().getRunning());
      assertThat(endpoint(b, "always", "restart").orElseThrow().getIpAddress())
          .as(node)
          .isEqualTo("198.18.111.10");
      awaitReport(kube, "always", node, Phase.Ready, "Attached");

      // The agent follows the new daemon's events: drift is repaired again.
      b.disconnectFromNetworkCmd().withNetworkId("restart").withContainerId("always").exec();
      await()
          .atMost(AttachmentTestSupport.CONVERGE)
          .until(() -> endpoint(b, "always", "restart").isPresent());
      assertThat(endpoint(b, "always", "restart").orElseThrow().getIpAddress())
          .as(node)
          .isEqualTo("198.18.111.10");
    }
  }

  @Test
  void deletingTheAttachmentFirstDisconnectsOnlyItsEndpointThenTheNetworkGoes() {
    kube.resource(network("order1", "198.18.112.0/24")).create();
    awaitNetworkReady(kube, bed, "order1");
    Map<String, String> bridgeEndpoint = new java.util.LinkedHashMap<>();
    for (String node : engines()) {
      run(docker(node), "keeper");
      bridgeEndpoint.put(
          node, endpoint(docker(node), "keeper", "bridge").orElseThrow().getEndpointId());
    }
    kube.resource(attachment("keeper", "keeper", "order1", "198.18.112.10")).create();
    engines().forEach(node -> awaitReport(kube, "keeper", node, Phase.Ready, "Attached"));

    kube.resources(ContainerAttachment.class).withName("keeper").delete();

    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> !AttachmentTestSupport.exists(kube, ContainerAttachment.class, "keeper"));
    for (String node : engines()) {
      DockerClient c = docker(node);
      assertThat(endpoint(c, "keeper", "order1")).as(node).isEmpty();
      assertThat(endpoint(c, "keeper", "bridge").orElseThrow().getEndpointId())
          .as(node)
          .isEqualTo(bridgeEndpoint.get(node));
      assertThat(c.inspectContainerCmd("keeper").exec().getState().getRunning()).isTrue();
      assertThat(dockerNetwork(c, "order1")).as(node).isPresent();
    }
    assertThat(reports(kube, "keeper")).isEmpty();

    kube.resources(DockerNetwork.class).withName("order1").delete();
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> !AttachmentTestSupport.exists(kube, DockerNetwork.class, "order1"));
    for (String node : engines()) {
      assertThat(dockerNetwork(docker(node), "order1")).as(node).isEmpty();
    }
  }

  @Test
  void deletingTheNetworkFirstIsNotBlockedByOurEndpointAndTheAttachmentThenWaits() {
    kube.resource(network("order2", "198.18.113.0/24")).create();
    awaitNetworkReady(kube, bed, "order2");
    engines().forEach(node -> run(docker(node), "keeper"));
    kube.resource(attachment("keeper", "keeper", "order2", "198.18.113.10")).create();
    engines().forEach(node -> awaitReport(kube, "keeper", node, Phase.Ready, "Attached"));

    kube.resources(DockerNetwork.class).withName("order2").delete();

    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> !AttachmentTestSupport.exists(kube, DockerNetwork.class, "order2"));
    for (String node : engines()) {
      DockerClient c = docker(node);
      assertThat(dockerNetwork(c, "order2")).as(node).isEmpty();
      awaitReport(kube, "keeper", node, Phase.Waiting, "NetworkNotFound");
      assertThat(c.inspectContainerCmd("keeper").exec().getState().getRunning()).isTrue();
    }

    kube.resources(ContainerAttachment.class).withName("keeper").delete();
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> !AttachmentTestSupport.exists(kube, ContainerAttachment.class, "keeper"));
    assertThat(reports(kube, "keeper")).isEmpty();
  }

  @Test
  void twoHundredAttachmentsAcrossThreeNodesConvergeWithEveryReportPresent() {
    int count = 200;
    List<String> nodes = bed.nodeNames().subList(0, 3);
    kube.resource(withBridge(network("many", "198.18.116.0/22"), "dn-many")).create();
    awaitNetworkReady(kube, bed, "many");
    // About two containers started at a time per node, as a deploy script fanning out would.
    var starters = java.util.concurrent.Executors.newFixedThreadPool(2 * nodes.size());
    try {
      CompletableFuture.allOf(
              java.util.stream.IntStream.range(0, count)
                  .mapToObj(
                      i ->
                          CompletableFuture.runAsync(
                              () -> run(docker(nodes.get(i % nodes.size())), name(i)), starters))
                  .toArray(CompletableFuture[]::new))
          .join();
    } finally {
      starters.shutdown();
    }

    long started = System.nanoTime();
    // kubectl apply -f of 200 objects, eight requests at a time.
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      CompletableFuture.allOf(
              java.util.stream.IntStream.range(0, count)
                  .mapToObj(
                      i ->
                          CompletableFuture.runAsync(
                              () ->
                                  kube.resource(attachment(name(i), name(i), "many", address(i)))
                                      .create(),
                              pool))
                  .toArray(CompletableFuture[]::new))
          .join();
    } finally {
      pool.shutdown();
    }
    long created = System.nanoTime();
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                kube.resources(ContainerAttachment.class).list().getItems().stream()
                        .filter(ca -> ca.getStatus() != null && "1/1".equals(ca.getStatus().ready))
                        .count()
                    == count);
    long converged = System.nanoTime();
    System.out.printf(
        "200 attachments: created in %d ms, all reported Ready and summarised %d ms after the first"
            + " create%n",
        (created - started) / 1_000_000, (converged - started) / 1_000_000);

    for (int i = 0; i < count; i++) {
      String node = nodes.get(i % nodes.size());
      List<AttachmentReport> r = reports(kube, name(i));
      assertThat(r).as("reports of %s", name(i)).hasSize(1);
      assertThat(r.get(0).nodeName).isEqualTo(node);
      assertThat(r.get(0).phase).isEqualTo(Phase.Ready);
      assertThat(r.get(0).ipv4Address).isEqualTo(address(i));
    }
    for (String node : nodes) {
      assertThat(
              docker(node)
                  .inspectNetworkCmd()
                  .withNetworkId("many")
                  .exec()
                  .getContainers()
                  .values()
                  .stream()
                  .map(c -> c.getIpv4Address())
                  .toList())
          .as("endpoints on %s", node)
          .hasSize(
              (int)
                  java.util.stream.IntStream.range(0, count)
                      .filter(i -> nodes.get(i % nodes.size()).equals(node))
                      .count());
    }
  }

  private static String name(int i) {
    return String.format("c-%03d", i);
  }

  private static String address(int i) {
    return "198.18." + (116 + (i + 10) / 256) + "." + ((i + 10) % 256);
  }
}
