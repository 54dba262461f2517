package io.dockernet.operator.attachment;

import static io.dockernet.operator.attachment.AttachmentTestSupport.attachment;
import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitNetworkReady;
import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitReady;
import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitReport;
import static io.dockernet.operator.attachment.AttachmentTestSupport.dockerNetwork;
import static io.dockernet.operator.attachment.AttachmentTestSupport.endpoint;
import static io.dockernet.operator.attachment.AttachmentTestSupport.events;
import static io.dockernet.operator.attachment.AttachmentTestSupport.network;
import static io.dockernet.operator.attachment.AttachmentTestSupport.report;
import static io.dockernet.operator.attachment.AttachmentTestSupport.reports;
import static io.dockernet.operator.attachment.AttachmentTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.RestartPolicy;
import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.testbed.Edits;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
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
 * `docker inspect` then show.
 */
@ExtendWith(TestBedExtension.class)
class ContainerAttachmentIT {

  /** "Within about a second": the bound asserted for event-driven repairs. */
  /**
   * Reactions that Docker's event stream drives: far longer than they take (well under a second) so
   * a loaded machine does not fail them, far shorter than the 60 s periodic pass that would
   * otherwise do the work.
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
    AttachmentTestSupport.deleteAll(kube);
    bed.ensureNodeObjects();
    bed.cleanDocker();
  }

  private DockerClient docker(String node) {
    return bed.node(node).docker();
  }

  @Test
  void theSeedScenarioTest2At172_18_0_10IsReachableFromAnotherContainer() {
    // docker network create --subnet=... -o com.docker.network.bridge.name=docker1 mynetwork
    DockerNetwork mynetwork = network("mynetwork", "198.18.100.0/24", "dn-seed");
    mynetwork.getSpec().ipam.config.get(0).gateway = "198.18.100.1";
    kube.resource(mynetwork).create();
    awaitNetworkReady(kube, bed, "mynetwork");
    DockerClient a = docker("node-a");
    // docker run -d -p 43000:80 --name test2 busybox
    String test2 =
        run(
            a,
            "test2",
            c ->
                c.withExposedPorts(ExposedPort.tcp(80))
                    .withHostConfig(
                        HostConfig.newHostConfig()
                            .withPortBindings(PortBinding.parse("43000:80"))));

    kube.resource(attachment("test2-mynetwork", "test2", "mynetwork", "198.18.100.10", "test2"))
        .create();

    AttachmentNodeStatus r =
        awaitReport(kube, "test2-mynetwork", "node-a", Phase.Ready, "Attached");
    ContainerNetwork inspected = endpoint(a, "test2", "mynetwork").orElseThrow();
    assertThat(inspected.getIpAddress()).isEqualTo("198.18.100.10");
    assertThat(inspected.getIpamConfig().getIpv4Address()).isEqualTo("198.18.100.10");
    assertThat(inspected.getAliases()).contains("test2");
    assertThat(r.containerId).isEqualTo(test2);
    assertThat(r.containerName).isEqualTo("test2");
    assertThat(r.networkMode).isEqualTo("default");
    assertThat(r.networkId).isEqualTo(inspected.getNetworkID());
    assertThat(r.endpointId).isEqualTo(inspected.getEndpointId());
    assertThat(r.ipv4Address).isEqualTo("198.18.100.10");
    assertThat(r.ipv4PrefixLength).isEqualTo(24);
    assertThat(r.gateway).isEqualTo("198.18.100.1");
    assertThat(r.macAddress).isEqualTo(inspected.getMacAddress());
    assertThat(r.publishedPorts).contains("0.0.0.0:43000->80/tcp");
    assertThat(r.bridge).isEqualTo("dn-seed");
    assertThat(r.hostInterface).as("host-side veth").startsWith("veth");
    assertThat(AttachmentTestSupport.bridgePorts("node-a", "dn-seed"))
        .as("brctl show dn-seed")
        .contains(r.hostInterface + "@");
    // Only the node where the container exists takes part.
    assertThat(reports(kube, "test2-mynetwork"))
        .extracting(s -> s.nodeName)
        .containsExactly("node-a");
    awaitReady(kube, "test2-mynetwork", 1);

    // docker run --net mynetwork busybox ping test2: inside node-a's own network namespace.
    run(
        a,
        "client",
        c -> c.withHostConfig(HostConfig.newHostConfig().withNetworkMode("mynetwork")));
    assertThat(
            AttachmentTestSupport.exec(a, "client", "ping", "-c", "1", "-W", "2", "198.18.100.10"))
        .as("ping 198.18.100.10 from another container")
        .isZero();
    assertThat(AttachmentTestSupport.exec(a, "client", "ping", "-c", "1", "-W", "2", "test2"))
        .as("ping the alias test2")
        .isZero();
  }

  @Test
  void applyingTheSameSpecAgainOrRestartingTheAgentMakesNoDockerWrite() {
    kube.resource(network("idem", "198.18.101.0/24", null)).create();
    awaitNetworkReady(kube, bed, "idem");
    run(docker("node-a"), "app");
    kube.resource(attachment("app-idem", "app", "idem", "198.18.101.10", "app")).create();
    awaitReport(kube, "app-idem", "node-a", Phase.Ready, "Attached");

    operators.startAgent("node-a");
    kube.resource(attachment("app-idem", "app", "idem", "198.18.101.10", "app"))
        .fieldManager("kubectl")
        .forceConflicts()
        .serverSideApply();

    var metrics = operators.agent("node-a").metrics();
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> AttachmentTestSupport.reconciles(metrics, "Ready") >= 1);
    assertThat(AttachmentTestSupport.dockerWrites(metrics)).as("Docker writes").isZero();
    awaitReady(kube, "app-idem", 1);
  }

  @Test
  void aChangedSpecReconnectsAndTheContainerKeepsRunningOnItsOtherNetworks() {
    kube.resource(network("change", "198.18.102.0/24", null)).create();
    awaitNetworkReady(kube, bed, "change");
    DockerClient b = docker("node-b");
    String app = run(b, "app");
    String bridgeEndpoint = endpoint(b, "app", "bridge").orElseThrow().getEndpointId();
    kube.resource(attachment("app-change", "app", "change", "198.18.102.10", "app")).create();
    awaitReport(kube, "app-change", "node-b", Phase.Ready, "Attached");

    AttachmentTestSupport.edit(
        kube,
        "app-change",
        s -> {
          s.ipv4Address = "198.18.102.20";
          s.aliases = List.of("app", "api");
        });

    AttachmentNodeStatus r = awaitReport(kube, "app-change", "node-b", Phase.Ready, "Attached");
    assertThat(r.ipv4Address).isEqualTo("198.18.102.20");
    ContainerNetwork now = endpoint(b, "app", "change").orElseThrow();
    assertThat(now.getIpAddress()).isEqualTo("198.18.102.20");
    assertThat(now.getAliases()).contains("app", "api");
    assertThat(endpoint(b, "app", "bridge").orElseThrow().getEndpointId())
        .isEqualTo(bridgeEndpoint);
    assertThat(b.inspectContainerCmd(app).exec().getState().getRunning()).isTrue();
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
    kube.resource(network("late", "198.18.103.0/24", null)).create();
    awaitNetworkReady(kube, bed, "late");
    ContainerAttachment ca = attachment("late-app", "late-app", "late", "198.18.103.10");
    ca.getSpec().nodeSelector =
        new LabelSelectorBuilder()
            .withMatchLabels(Map.of("kubernetes.io/hostname", "node-b"))
            .build();
    kube.resource(ca).create();
    AttachmentNodeStatus waiting =
        awaitReport(kube, "late-app", "node-b", Phase.Waiting, "ContainerNotFound");
    assertThat(waiting.message).contains("late-app");
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
    DockerClient b = docker("node-b");

    long started = System.nanoTime();
    String first = run(b, "late-app");
    awaitReport(kube, "late-app", "node-b", Phase.Ready, "Attached", PROMPTLY);
    System.out.printf(
        "attached %d ms after docker run%n", (System.nanoTime() - started) / 1_000_000);

    b.removeContainerCmd(first).withForce(true).exec();
    awaitReport(kube, "late-app", "node-b", Phase.Waiting, "ContainerNotFound");
    String second = run(b, "late-app");

    AttachmentNodeStatus back =
        awaitReport(kube, "late-app", "node-b", Phase.Ready, "Attached", PROMPTLY);
    assertThat(back.containerId).isEqualTo(second).isNotEqualTo(first);
    assertThat(back.ipv4Address).isEqualTo("198.18.103.10");
    assertThat(endpoint(b, "late-app", "late").orElseThrow().getIpAddress())
        .isEqualTo("198.18.103.10");
  }

  @Test
  void hostNoneAndSharedNamespaceContainersAreReportedAndNotRetriedHot() {
    kube.resource(network("modes", "198.18.104.0/24", null)).create();
    awaitNetworkReady(kube, bed, "modes");
    DockerClient c = docker("node-c");
    run(c, "main");
    run(c, "on-host", x -> x.withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")));
    run(c, "isolated", x -> x.withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")));
    run(
        c,
        "sidecar",
        x -> x.withHostConfig(HostConfig.newHostConfig().withNetworkMode("container:main")));

    kube.resource(attachment("on-host", "on-host", "modes", null)).create();
    kube.resource(attachment("isolated", "isolated", "modes", null)).create();
    kube.resource(attachment("sidecar", "sidecar", "modes", null)).create();

    String host =
        awaitReport(kube, "on-host", "node-c", Phase.Error, "IncompatibleNetworkMode").message;
    String none =
        awaitReport(kube, "isolated", "node-c", Phase.Error, "IncompatibleNetworkMode").message;
    String shared =
        awaitReport(kube, "sidecar", "node-c", Phase.Error, "IncompatibleNetworkMode").message;
    assertThat(host).contains("--network host");
    assertThat(none).contains("--network none");
    assertThat(shared).contains("shares the network namespace of container main");
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        AttachmentTestSupport.condition(
                            AttachmentTestSupport.get(kube, "sidecar"), "Degraded"))
                    .isEqualTo("True"));

    var metrics = operators.agent("node-c").metrics();
    long errorsBefore = AttachmentTestSupport.reconciles(metrics, "Error");
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> AttachmentTestSupport.reconciles(metrics, "Error") - errorsBefore <= 6);
  }

  @Test
  void badStaticAddressesAreRefusedEachWithItsOwnReasonAndIpRangeOnlyWarns() {
    DockerNetwork checks = network("checks", "198.18.105.0/24", null);
    IpamPoolSpec pool = checks.getSpec().ipam.config.get(0);
    pool.gateway = "198.18.105.1";
    pool.ipRange = "198.18.105.128/25";
    pool.auxAddresses = Map.of("printer", "198.18.105.5");
    kube.resource(checks).create();
    awaitNetworkReady(kube, bed, "checks");
    DockerClient a = docker("node-a");
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("outside", new String[] {"198.18.106.10", "AddressOutsideSubnets"});
    cases.put("gateway", new String[] {"198.18.105.1", "AddressIsGateway"});
    cases.put("netaddr", new String[] {"198.18.105.0", "AddressIsNetworkAddress"});
    cases.put("broadcast", new String[] {"198.18.105.255", "AddressIsBroadcast"});
    cases.put("aux", new String[] {"198.18.105.5", "AddressReserved"});
    for (var e : cases.entrySet()) {
      run(a, e.getKey());
      kube.resource(attachment(e.getKey(), e.getKey(), "checks", e.getValue()[0])).create();
    }
    run(a, "ranged");
    kube.resource(attachment("ranged", "ranged", "checks", "198.18.105.200")).create();
    run(a, "defaultbr");
    kube.resource(attachment("defaultbr", "defaultbr", "bridge", "198.19.1.50")).create();

    for (var e : cases.entrySet()) {
      AttachmentNodeStatus r =
          awaitReport(kube, e.getKey(), "node-a", Phase.Error, e.getValue()[1]);
      assertThat(r.message).contains(e.getValue()[0]);
      assertThat(endpoint(a, e.getKey(), "checks")).as(e.getKey()).isEmpty();
    }
    AttachmentNodeStatus bridge =
        awaitReport(kube, "defaultbr", "node-a", Phase.Error, "StaticAddressOnDefaultBridge");
    assertThat(bridge.message).contains("default bridge");
    AttachmentNodeStatus ranged = awaitReport(kube, "ranged", "node-a", Phase.Ready, "Attached");
    assertThat(ranged.warnings)
        .singleElement()
        .satisfies(
            w -> assertThat(w).startsWith("StaticAddressInIpRange").contains("198.18.105.128/25"));
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
    kube.resource(network("busy", "198.18.107.0/24", null)).create();
    awaitNetworkReady(kube, bed, "busy");
    DockerClient a = docker("node-a");
    String squatter = run(a, "squatter");
    a.connectToNetworkCmd()
        .withNetworkId("busy")
        .withContainerId(squatter)
        .withContainerNetwork(
            new ContainerNetwork()
                .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address("198.18.107.10")))
        .exec();
    run(a, "wanter");

    kube.resource(attachment("wanter", "wanter", "busy", "198.18.107.10")).create();

    AttachmentNodeStatus conflict =
        awaitReport(kube, "wanter", "node-a", Phase.Conflict, "AddressInUse");
    assertThat(conflict.message).contains("198.18.107.10").contains("squatter");

    a.disconnectFromNetworkCmd().withNetworkId("busy").withContainerId(squatter).exec();
    awaitReport(kube, "wanter", "node-a", Phase.Ready, "Attached");
    assertThat(endpoint(a, "wanter", "busy").orElseThrow().getIpAddress())
        .isEqualTo("198.18.107.10");
  }

  @Test
  void twoAttachmentsClaimingOneAddressGiveExactlyOneStableConflict() {
    kube.resource(network("claims", "198.18.108.0/24", null)).create();
    awaitNetworkReady(kube, bed, "claims");
    DockerClient a = docker("node-a");
    run(a, "first");
    run(a, "second");

    kube.resource(attachment("claim-a", "first", "claims", "198.18.108.10")).create();
    kube.resource(attachment("claim-b", "second", "claims", "198.18.108.10")).create();

    awaitReport(kube, "claim-a", "node-a", Phase.Ready, "Attached");
    AttachmentNodeStatus loser =
        awaitReport(kube, "claim-b", "node-a", Phase.Conflict, "AddressClaimed");
    assertThat(loser.message).contains("claim-a").contains("first");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(report(kube, "claim-a", "node-a").orElseThrow().phase)
                  .isEqualTo(Phase.Ready);
              assertThat(report(kube, "claim-b", "node-a").orElseThrow().phase)
                  .isEqualTo(Phase.Conflict);
              assertThat(endpoint(a, "first", "claims").orElseThrow().getIpAddress())
                  .isEqualTo("198.18.108.10");
              assertThat(endpoint(a, "second", "claims")).isEmpty();
            });
  }

  @Test
  void aHandRunDisconnectIsUndonePromptlyWithAnEvent() {
    kube.resource(network("drift", "198.18.109.0/24", null)).create();
    awaitNetworkReady(kube, bed, "drift");
    DockerClient c = docker("node-c");
    String app = run(c, "app");
    kube.resource(attachment("app-drift", "app", "drift", "198.18.109.10")).create();
    awaitReport(kube, "app-drift", "node-c", Phase.Ready, "Attached");

    long started = System.nanoTime();
    c.disconnectFromNetworkCmd().withNetworkId("drift").withContainerId(app).exec();

    await()
        .atMost(PROMPTLY)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> endpoint(c, "app", "drift").isPresent());
    System.out.printf(
        "reattached %d ms after docker network disconnect%n",
        (System.nanoTime() - started) / 1_000_000);
    assertThat(endpoint(c, "app", "drift").orElseThrow().getIpAddress()).isEqualTo("198.18.109.10");
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .untilAsserted(
            () ->
                assertThat(events(kube, "app-drift"))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("DriftRepaired");
                          assertThat(e.getMessage()).contains("node-c").contains("app");
                        }));
  }

  @Test
  void whenTheDockerNetworkIsRecreatedTheAttachmentsComeBackAtTheSameAddresses() {
    kube.resource(network("remake", "198.18.110.0/24", null)).create();
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
              AttachmentNodeStatus one = report(kube, "one", "node-a").orElseThrow();
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
    kube.resource(network("restart", "198.18.111.0/24", null)).create();
    awaitNetworkReady(kube, bed, "restart");
    run(
        docker("node-b"),
        "always",
        c ->
            c.withHostConfig(
                HostConfig.newHostConfig().withRestartPolicy(RestartPolicy.alwaysRestart())));
    kube.resource(attachment("always", "always", "restart", "198.18.111.10")).create();
    awaitReport(kube, "always", "node-b", Phase.Ready, "Attached");

    DockerClient b = bed.restartNodeDaemon("node-b").docker();

    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> b.inspectContainerCmd("always").exec().getState().getRunning());
    assertThat(endpoint(b, "always", "restart").orElseThrow().getIpAddress())
        .isEqualTo("198.18.111.10");
    awaitReport(kube, "always", "node-b", Phase.Ready, "Attached");

    // The agent follows the new daemon's events: drift is repaired again.
    b.disconnectFromNetworkCmd().withNetworkId("restart").withContainerId("always").exec();
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> endpoint(b, "always", "restart").isPresent());
    assertThat(endpoint(b, "always", "restart").orElseThrow().getIpAddress())
        .isEqualTo("198.18.111.10");
  }

  @Test
  void deletingTheAttachmentFirstDisconnectsOnlyItsEndpointThenTheNetworkGoes() {
    kube.resource(network("order1", "198.18.112.0/24", null)).create();
    awaitNetworkReady(kube, bed, "order1");
    DockerClient c = docker("node-c");
    String keeper = run(c, "keeper");
    String bridgeEndpoint = endpoint(c, "keeper", "bridge").orElseThrow().getEndpointId();
    kube.resource(attachment("keeper", "keeper", "order1", "198.18.112.10")).create();
    awaitReport(kube, "keeper", "node-c", Phase.Ready, "Attached");

    kube.resources(ContainerAttachment.class).withName("keeper").delete();

    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> !AttachmentTestSupport.exists(kube, ContainerAttachment.class, "keeper"));
    assertThat(endpoint(c, "keeper", "order1")).isEmpty();
    assertThat(endpoint(c, "keeper", "bridge").orElseThrow().getEndpointId())
        .isEqualTo(bridgeEndpoint);
    assertThat(c.inspectContainerCmd(keeper).exec().getState().getRunning()).isTrue();
    assertThat(dockerNetwork(c, "order1")).isPresent();
    assertThat(reports(kube, "keeper")).isEmpty();

    kube.resources(DockerNetwork.class).withName("order1").delete();
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> !AttachmentTestSupport.exists(kube, DockerNetwork.class, "order1"));
    assertThat(dockerNetwork(c, "order1")).isEmpty();
  }

  @Test
  void deletingTheNetworkFirstIsNotBlockedByOurEndpointAndTheAttachmentThenWaits() {
    kube.resource(network("order2", "198.18.113.0/24", null)).create();
    awaitNetworkReady(kube, bed, "order2");
    DockerClient c = docker("node-c");
    String keeper = run(c, "keeper");
    kube.resource(attachment("keeper", "keeper", "order2", "198.18.113.10")).create();
    awaitReport(kube, "keeper", "node-c", Phase.Ready, "Attached");

    kube.resources(DockerNetwork.class).withName("order2").delete();

    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(() -> !AttachmentTestSupport.exists(kube, DockerNetwork.class, "order2"));
    assertThat(dockerNetwork(c, "order2")).isEmpty();
    awaitReport(kube, "keeper", "node-c", Phase.Waiting, "NetworkNotFound");
    assertThat(c.inspectContainerCmd(keeper).exec().getState().getRunning()).isTrue();

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
    kube.resource(network("many", "198.18.116.0/22", "dn-many")).create();
    awaitNetworkReady(kube, bed, "many");
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (String node : nodes) {
      starts.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = nodes.indexOf(node); i < count; i += nodes.size()) {
                  run(docker(node), name(i));
                }
              }));
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();

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
      List<AttachmentNodeStatus> r = reports(kube, name(i));
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
