package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.testbed.TestBed;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DockerJavaGateway} against real Engines: every test runs once per Engine of the test bed
 * ({@link TestBed#onePerEngine}: 20.10, 28.5.2 refusing API versions below 1.44, 26.1.5), or
 * against {@code DOCKERNET_IT_DOCKER_HOST} (system property or environment variable) alone when
 * that is set; the daemon needs the image {@code dockernet/busybox:latest} ({@code
 * hack/busybox-image.sh}). Without a daemon the tests fail, they are not skipped.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("daemons")
class DockerJavaGatewayIT {

  private static final String HOST_SETTING = "DOCKERNET_IT_DOCKER_HOST";
  private static final String IMAGE = "dockernet/busybox:latest";
  private static final String TEST_LABEL = "dockernet.io/test";
  private static final String TEST_LABEL_VALUE = "DockerJavaGatewayIT";

  /** The daemon of this invocation (also handed to the per-invocation set-up below). */
  @Parameter String daemon;

  private static URI dockerHost;
  private static SimpleMeterRegistry registry;
  private static DockerJavaGateway gateway;
  private static DockerClient fixtures;

  /** The daemons to run against: one node per Engine of the test bed, or the one configured. */
  static List<String> daemons() {
    String setting = System.getProperty(HOST_SETTING, System.getenv(HOST_SETTING));
    if (setting != null && !setting.isBlank()) {
      return List.of(setting);
    }
    TestBed bed = TestBed.get();
    return bed.onePerEngine().stream().map(node -> bed.node(node).dockerHost().toString()).toList();
  }

  @BeforeParameterizedClassInvocation
  static void connectToDaemon(String daemon) {
    dockerHost = URI.create(daemon);
    if ("unix".equals(dockerHost.getScheme()) && !Files.exists(Path.of(dockerHost.getPath()))) {
      fail(
          "No Docker daemon socket at %s: run `hack/nodes.sh start` or point %s at a daemon",
          dockerHost, HOST_SETTING);
    }
    registry = new SimpleMeterRegistry();
    gateway = DockerJavaGateway.create(dockerHost, registry);
    fixtures =
        DockerClientImpl.getInstance(
            new DefaultDockerClientConfig.Builder()
                .withDockerHost(dockerHost.toString())
                .withDockerTlsVerify(false)
                .build(),
            new ZerodepDockerHttpClient.Builder().dockerHost(dockerHost).build());
    try {
      fixtures.inspectImageCmd(IMAGE).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      fail("Image %s missing on %s: run `hack/busybox-image.sh %s`", IMAGE, dockerHost, dockerHost);
    }
    removeLeftovers();
  }

  @AfterEach
  void cleanUp() {
    removeLeftovers();
  }

  @AfterParameterizedClassInvocation
  static void close() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (fixtures != null) {
      fixtures.close();
    }
  }

  @Test
  void speaksTheHighestApiVersionBothSidesKnowWhichTheDaemonAccepts() throws Exception {
    var daemon = fixtures.versionCmd().exec();
    var info = gateway.daemonInfo();

    ApiVersion expected =
        ApiVersion.min(Engine.NEWEST_API, ApiVersion.parse(daemon.getApiVersion()));
    assertThat(gateway.engine().api()).isEqualTo(expected);
    assertThat(info.id()).isNotBlank();
    assertThat(info.version()).isEqualTo(daemon.getVersion());
    assertThat(info.apiVersion()).isEqualTo(expected.toString());
    // What the agent used to pin, for contrast: a daemon with the 1.44 floor refuses it.
    String pinned = curl("/v1.41/version");
    if (ApiVersion.parse(daemon.getMinAPIVersion()).atLeast(new ApiVersion(1, 44))) {
      assertThat(pinned).contains("client version 1.41 is too old");
    } else {
      assertThat(pinned).contains("\"ApiVersion\"");
    }
  }

  @Test
  void createdNetworkReadsBackWithEveryField() {
    IpamPool pool =
        new IpamPool(
            "198.18.20.0/24", "198.18.20.1", "198.18.20.128/25", Map.of("router", "198.18.20.2"));
    NetworkRequest request =
        new NetworkRequest(
            "gwit-full",
            "bridge",
            Map.of("com.docker.network.bridge.name", "gwit-br0"),
            new Ipam("default", Map.of("com.example.ipam", "on"), List.of(pool)),
            false,
            true,
            false,
            Map.of(TEST_LABEL, TEST_LABEL_VALUE, "dockernet.io/owner", "uid-1"));

    String id = gateway.createNetwork(request);

    NetworkInfo byName = gateway.findNetwork("gwit-full").orElseThrow();
    assertThat(gateway.findNetwork(id)).contains(byName);
    assertThat(byName.id()).isEqualTo(id);
    assertThat(byName.driver()).isEqualTo("bridge");
    assertThat(byName.options()).containsEntry("com.docker.network.bridge.name", "gwit-br0");
    assertThat(byName.ipam().driver()).isEqualTo("default");
    assertThat(byName.ipam().options()).containsExactlyEntriesOf(Map.of("com.example.ipam", "on"));
    assertThat(byName.ipam().pools()).containsExactly(pool);
    assertThat(byName.internal()).isFalse();
    assertThat(byName.attachable()).isTrue();
    assertThat(byName.enableIpv6()).isFalse();
    assertThat(byName.labels()).isEqualTo(request.labels());
    assertThat(byName.endpoints()).isEmpty();
    assertThat(gateway.listNetworks(Map.of("dockernet.io/owner", "uid-1"))).containsExactly(byName);
    assertThat(gateway.listNetworks(Map.of("dockernet.io/owner", "uid-2"))).isEmpty();
  }

  @Test
  void subnetWithoutGatewayIsReportedWithoutOne() {
    gateway.createNetwork(network("gwit-nogw", "198.18.21.0/24"));

    assertThat(gateway.findNetwork("gwit-nogw").orElseThrow().ipam().pools())
        .containsExactly(new IpamPool("198.18.21.0/24", null, null, Map.of()));
  }

  @Test
  void findNetworkMatchesNeitherPartOfANameNorAnIdPrefix() {
    String id = gateway.createNetwork(network("gwit-lookup-network", "198.18.22.0/24"));

    assertThat(gateway.findNetwork("gwit-lookup")).isEmpty();
    assertThat(gateway.findNetwork(id.substring(0, 12))).isEmpty();
    assertThat(gateway.findNetwork("gwit-lookup-network")).isPresent();
    assertThat(gateway.findNetwork("gwit-no-such-network")).isEmpty();
    // Some single digits are unique ID prefixes (Docker answers with that network), others are
    // ambiguous (Docker answers 400): neither is the network the caller named.
    for (char digit : "0123456789abcdef".toCharArray()) {
      assertThat(gateway.findNetwork(String.valueOf(digit))).isEmpty();
    }
  }

  @Test
  void twoNetworksWithTheSameNameAreRejectedNotGuessed() {
    // Only possible without CheckDuplicate, which the gateway always sends, and only before
    // Engine 25 (API 1.44), which refuses a second network of a name whatever the request says.
    Runnable createWithoutCheck =
        () ->
            fixtures
                .createNetworkCmd()
                .withName("gwit-dup")
                .withCheckDuplicate(false)
                .withLabels(Map.of(TEST_LABEL, TEST_LABEL_VALUE))
                .exec();
    createWithoutCheck.run();
    boolean refusesDuplicates =
        ApiVersion.parse(fixtures.versionCmd().exec().getApiVersion())
            .atLeast(new ApiVersion(1, 44));
    if (refusesDuplicates) {
      assertThatThrownBy(createWithoutCheck::run)
          .isInstanceOf(com.github.dockerjava.api.exception.ConflictException.class);
      assertThat(gateway.findNetwork("gwit-dup")).isPresent();
      return;
    }
    createWithoutCheck.run();

    assertThatThrownBy(() -> gateway.findNetwork("gwit-dup"))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageContaining("ambiguous");
  }

  @Test
  void connectedEndpointReadsBackAndDisconnects() {
    String networkId = gateway.createNetwork(network("gwit-attach", "198.18.20.0/24"));
    String containerId = startContainer("gwit-web");
    EndpointRequest requested =
        new EndpointRequest(
            "198.18.20.10",
            null,
            List.of("169.254.10.10"),
            List.of("web", "api"),
            List.of(),
            null,
            Map.of("com.example.endpoint", "v1"));

    gateway.connect(networkId, containerId, requested);

    ContainerEndpoint endpoint =
        gateway.findContainer("gwit-web").orElseThrow().networks().get("gwit-attach");
    assertThat(endpoint.networkId()).isEqualTo(networkId);
    assertThat(endpoint.endpointId()).isNotBlank();
    assertThat(endpoint.configuredIpv4()).isEqualTo("198.18.20.10");
    assertThat(endpoint.ipv4Address()).isEqualTo("198.18.20.10");
    assertThat(endpoint.ipv4PrefixLength()).isEqualTo(24);
    assertThat(endpoint.gateway()).isEqualTo("198.18.20.1");
    assertThat(endpoint.linkLocalIps()).containsExactly("169.254.10.10");
    assertThat(endpoint.aliases()).containsExactly("web", "api");
    assertThat(endpoint.driverOpts())
        .containsExactlyEntriesOf(Map.of("com.example.endpoint", "v1"));
    assertThat(endpoint.macAddress()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    assertThat(gateway.findNetwork(networkId).orElseThrow().endpoints())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.containerId()).isEqualTo(containerId);
              assertThat(e.containerName()).isEqualTo("gwit-web");
              assertThat(e.ipv4Cidr()).isEqualTo("198.18.20.10/24");
              assertThat(e.macAddress()).isEqualTo(endpoint.macAddress());
            });

    gateway.disconnect(networkId, containerId, false);

    assertThat(gateway.findContainer(containerId).orElseThrow().networks())
        .doesNotContainKey("gwit-attach");
    assertThatThrownBy(() -> gateway.disconnect(networkId, containerId, false))
        .isInstanceOf(DockerNotFoundException.class);
  }

  @Test
  void removedNetworkIsGoneAndMissingThingsAreNotFound() {
    String networkId = gateway.createNetwork(network("gwit-remove", "198.18.20.0/24"));

    gateway.removeNetwork(networkId);

    assertThat(gateway.findNetwork(networkId)).isEmpty();
    assertThatThrownBy(() -> gateway.removeNetwork(networkId))
        .isInstanceOf(DockerNotFoundException.class);
    assertThat(gateway.findContainer("gwit-no-such-container")).isEmpty();
    String containerId = startContainer("gwit-orphan");
    assertThatThrownBy(() -> gateway.connect(networkId, containerId, null))
        .isInstanceOf(DockerNotFoundException.class);
  }

  @Test
  void takenNameAndTakenAddressAreConflicts() {
    String networkId = gateway.createNetwork(network("gwit-twice", "198.18.20.0/24"));

    assertThatThrownBy(() -> gateway.createNetwork(network("gwit-twice", "198.18.23.0/24")))
        .isInstanceOf(DockerConflictException.class)
        .hasMessageContaining("already exists");
    String first = startContainer("gwit-first");
    String second = startContainer("gwit-second");
    gateway.connect(networkId, first, staticAddress("198.18.20.10"));
    assertThatThrownBy(() -> gateway.connect(networkId, second, staticAddress("198.18.20.10")))
        .isInstanceOf(DockerConflictException.class)
        .hasMessage("Address already in use");
    assertThatThrownBy(() -> gateway.removeNetwork(networkId))
        .isInstanceOf(DockerConflictException.class)
        .hasMessageContaining("has active endpoints");
    assertThat(callCount("createNetwork", "conflict")).isEqualTo(1);
    assertThat(callCount("createNetwork", "success")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void overlappingPoolAndForeignAddressAreRejected() {
    String networkId = gateway.createNetwork(network("gwit-pool", "198.18.20.0/24"));
    String containerId = startContainer("gwit-stranger");

    // Engine 28 prefixes "invalid pool request: ".
    assertThatThrownBy(() -> gateway.createNetwork(network("gwit-overlap", "198.18.20.0/25")))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageEndingWith("Pool overlaps with other one on this address space");
    // 20.10: "... does not belong to any of this network's subnets"; 25+: "invalid endpoint
    // settings: no configured subnet or ip-range contain the IP address ...".
    assertThatThrownBy(() -> gateway.connect(networkId, containerId, staticAddress("198.18.99.9")))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageContaining("198.18.99.9");
    assertThat(callCount("createNetwork", "rejected")).isEqualTo(1);
  }

  @Test
  void eventStreamDeliversTheDestroyOfARemovedNetwork() throws Exception {
    RecordingListener listener = new RecordingListener();
    String networkId;
    try (AutoCloseable subscription = gateway.subscribe(listener)) {
      networkId = gateway.createNetwork(network("gwit-events", "198.18.20.0/24"));
      gateway.removeNetwork(networkId);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(listener.events)
                      .anySatisfy(
                          e -> {
                            assertThat(e.type()).isEqualTo("network");
                            assertThat(e.action()).isEqualTo("destroy");
                            assertThat(e.actorId()).isEqualTo(networkId);
                            assertThat(e.attributes()).containsEntry("name", "gwit-events");
                          }));
    }
    assertThat(listener.opened).hasValue(1);
    assertThat(listener.closed).isEmpty();
  }

  @Test
  void unreachableDaemonIsUnavailableForCallsAndStreams() throws Exception {
    URI nowhere = URI.create("unix:///run/dockernet-no-such-daemon.sock");
    try (DockerJavaGateway offline = DockerJavaGateway.create(nowhere, registry)) {
      assertThatThrownBy(offline::daemonInfo).isInstanceOf(DockerUnavailableException.class);
      assertThatThrownBy(() -> offline.findNetwork("bridge"))
          .isInstanceOf(DockerUnavailableException.class);

      RecordingListener listener = new RecordingListener();
      offline.subscribe(listener);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(listener.closed)
                      .singleElement()
                      .isInstanceOf(DockerUnavailableException.class));
      assertThat(listener.opened).as("a stream nobody answered never counts as open").hasValue(0);
    }
    assertThat(callCount("daemonInfo", "unavailable")).isGreaterThanOrEqualTo(1);
  }

  /** {@code curl --unix-socket} of a raw request, for what docker-java cannot send. */
  private static String curl(String path) throws Exception {
    Process p =
        new ProcessBuilder("curl", "-s", "--unix-socket", dockerHost.getPath(), "http://d" + path)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static NetworkRequest network(String name, String subnet) {
    return new NetworkRequest(
        name,
        "bridge",
        Map.of(),
        new Ipam(null, Map.of(), List.of(new IpamPool(subnet, null, null, Map.of()))),
        false,
        false,
        false,
        Map.of(TEST_LABEL, TEST_LABEL_VALUE));
  }

  private static EndpointRequest staticAddress(String ipv4) {
    return new EndpointRequest(ipv4, null, List.of(), List.of(), List.of(), null, Map.of());
  }

  /** A running container on the default bridge (one with network mode none cannot connect). */
  private static String startContainer(String name) {
    String id =
        fixtures
            .createContainerCmd(IMAGE)
            .withName(name)
            .withLabels(Map.of(TEST_LABEL, TEST_LABEL_VALUE))
            .exec()
            .getId();
    fixtures.startContainerCmd(id).exec();
    return id;
  }

  private static long callCount(String operation, String outcome) {
    Timer timer =
        registry
            .find(DockerJavaGateway.CALL_TIMER)
            .tags("operation", operation, "outcome", outcome)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  /** Containers first (they hold endpoints), then networks, from this or an aborted earlier run. */
  private static void removeLeftovers() {
    String label = TEST_LABEL + "=" + TEST_LABEL_VALUE;
    for (Container container :
        fixtures.listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec()) {
      fixtures.removeContainerCmd(container.getId()).withForce(true).exec();
    }
    for (Network network : fixtures.listNetworksCmd().withFilter("label", List.of(label)).exec()) {
      fixtures.removeNetworkCmd(network.getId()).exec();
    }
  }

  private static final class RecordingListener implements DockerEventListener {
    final List<DockerEvent> events = new CopyOnWriteArrayList<>();
    final List<Throwable> closed = new CopyOnWriteArrayList<>();

    final AtomicInteger opened = new AtomicInteger();

    @Override
    public void onStreamOpened() {
      opened.incrementAndGet();
    }

    @Override
    public void onEvent(DockerEvent event) {
      events.add(event);
    }

    @Override
    public void onStreamClosed(Throwable cause) {
      closed.add(cause);
    }
  }
}
