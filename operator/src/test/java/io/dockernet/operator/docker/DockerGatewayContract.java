package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.Overview.ListedContainer;
import io.dockernet.operator.docker.Overview.ListedEndpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DockerGateway} does, as its callers rely on it: run against {@link
 * FakeDockerGateway} ({@link FakeDockerGatewayContractTest}) and against {@link DockerJavaGateway}
 * on each Engine of the test bed ({@link DockerJavaGatewayContractIT}), so the fake the unit tests
 * trust behaves as the real daemons do. Only behaviour every Engine shares belongs here; Engine
 * quirks and each implementation's own machinery are tested beside it.
 *
 * <p>Subclasses give the gateway and the containers (which the gateway does not make). Subnets
 * 198.18.24.0/24 to 198.18.27.0/24 are this class's; names start with {@code gwc-}; every network
 * and container carries {@link #TEST_LABELS}, so a real daemon can be cleaned after each test.
 * Events arrive asynchronously from a real daemon: every expectation about them is awaited.
 */
abstract class DockerGatewayContract {

  static final String TEST_LABEL = "dockernet.io/test";
  static final String TEST_LABEL_VALUE = "gateway-contract";
  static final Map<String, String> TEST_LABELS = Map.of(TEST_LABEL, TEST_LABEL_VALUE);

  private static final String SUBNET_A = "198.18.24.0/24";
  private static final String SUBNET_B = "198.18.25.0/24";
  private static final String SUBNET_C = "198.18.26.0/24";
  private static final String SUBNET_D = "198.18.27.0/24";

  /** How long a real daemon may take to deliver an event or finish stopping a container. */
  private static final Duration EVENTS = Duration.ofSeconds(20);

  /** The gateway under test. */
  abstract DockerGateway gateway();

  /**
   * Creates and starts a container on the default bridge network, as {@code docker run -d} does;
   * {@code labels} include {@link #TEST_LABELS}.
   */
  abstract String startContainer(String name, Map<String, String> labels);

  /** As {@link #startContainer}, for a container whose network mode is {@code none}. */
  abstract String startContainerWithoutNetwork(String name, Map<String, String> labels);

  /** Stops a running container, as {@code docker stop} does. */
  abstract void stopContainer(String id);

  /** Starts a stopped container again, as {@code docker start} does. */
  abstract void restartContainer(String id);

  @Test
  void engineAndDaemonInfoNameTheVersionSpoken() {
    Engine engine = gateway().engine();

    assertThat(engine.supported()).isTrue();
    assertThat(gateway().knownEngine()).contains(engine);
    DockerGateway.DaemonInfo info = gateway().daemonInfo();
    assertThat(info.id()).isNotBlank();
    assertThat(info.version()).isEqualTo(engine.version());
    assertThat(info.apiVersion()).isEqualTo(engine.api().toString());
  }

  @Test
  void createdNetworkReadsBackWithEveryField() {
    IpamPool pool =
        new IpamPool(SUBNET_A, "198.18.24.1", "198.18.24.128/25", Map.of("router", "198.18.24.2"));
    NetworkRequest request =
        new NetworkRequest(
            "gwc-full",
            "bridge",
            Map.of("com.docker.network.bridge.name", "gwc-br0"),
            new Ipam("default", Map.of("com.example.ipam", "on"), List.of(pool)),
            false,
            true,
            false,
            labels("dockernet.io/owner", "uid-1"));

    String id = gateway().createNetwork(request);

    NetworkInfo byName = gateway().findNetwork("gwc-full").orElseThrow();
    assertThat(gateway().findNetwork(id)).contains(byName);
    assertThat(byName.id()).isEqualTo(id);
    assertThat(byName.name()).isEqualTo("gwc-full");
    assertThat(byName.driver()).isEqualTo("bridge");
    assertThat(byName.options()).containsEntry("com.docker.network.bridge.name", "gwc-br0");
    assertThat(byName.ipam().driver()).isEqualTo("default");
    assertThat(byName.ipam().options()).containsExactlyEntriesOf(Map.of("com.example.ipam", "on"));
    assertThat(byName.ipam().pools()).containsExactly(pool);
    assertThat(byName.internal()).isFalse();
    assertThat(byName.attachable()).isTrue();
    assertThat(byName.enableIpv6()).isFalse();
    assertThat(byName.enableIpv4()).isTrue();
    assertThat(byName.labels()).isEqualTo(request.labels());
    assertThat(byName.endpoints()).isEmpty();
  }

  @Test
  void subnetWithoutGatewayIsReportedWithoutOne() {
    gateway().createNetwork(network("gwc-nogw", SUBNET_A));

    assertThat(gateway().findNetwork("gwc-nogw").orElseThrow().ipam().pools())
        .containsExactly(new IpamPool(SUBNET_A, null, null, Map.of()));
  }

  @Test
  void networkWithoutPoolsGetsADefaultPoolSubnetAndItsFirstAddressAsGateway() {
    gateway()
        .createNetwork(
            new NetworkRequest("gwc-auto", null, Map.of(), null, false, false, false, labels()));

    NetworkInfo network = gateway().findNetwork("gwc-auto").orElseThrow();
    assertThat(network.driver()).isEqualTo("bridge");
    assertThat(network.ipam().driver()).isEqualTo("default");
    assertThat(network.ipam().pools())
        .singleElement()
        .satisfies(
            pool -> {
              assertThat(pool.gateway()).isEqualTo(Ipv4.firstHost(pool.subnet()));
              assertThat(pool.ipRange()).isNull();
              assertThat(pool.auxAddresses()).isEmpty();
            });
  }

  @Test
  void findNetworkMatchesNeitherPartOfANameNorAnIdPrefix() {
    String id = gateway().createNetwork(network("gwc-lookup-network", SUBNET_A));

    assertThat(gateway().findNetwork("gwc-lookup-network")).isPresent();
    assertThat(gateway().findNetwork(id)).isPresent();
    assertThat(gateway().findNetwork("gwc-lookup")).isEmpty();
    assertThat(gateway().findNetwork(id.substring(0, 12))).isEmpty();
    assertThat(gateway().findNetwork("gwc-no-such-network")).isEmpty();
    assertThat(gateway().findNetwork("")).isEmpty();
    // Docker answers a unique ID prefix with that network and an ambiguous one with 400: neither is
    // the network the caller named.
    for (char digit : "0123456789abcdef".toCharArray()) {
      assertThat(gateway().findNetwork(String.valueOf(digit))).isEmpty();
    }
  }

  @Test
  void listNetworksFiltersOnEveryLabelSortsByNameAndIncludesEndpoints() {
    String b =
        gateway()
            .createNetwork(
                network("gwc-list-b", SUBNET_A, labels("dockernet.io/contract-owner", "1")));
    gateway()
        .createNetwork(network("gwc-list-a", SUBNET_B, labels("dockernet.io/contract-owner", "2")));
    String web = startContainer("gwc-listed", labels());
    gateway().connect(b, web, null);

    assertThat(gateway().listNetworks(TEST_LABELS))
        .extracting(NetworkInfo::name)
        .containsExactly("gwc-list-a", "gwc-list-b");
    assertThat(gateway().listNetworks(labels("dockernet.io/contract-owner", "2")))
        .extracting(NetworkInfo::name)
        .containsExactly("gwc-list-a");
    assertThat(gateway().listNetworks(labels("dockernet.io/contract-owner", "3"))).isEmpty();
    assertThat(gateway().listNetworks(Map.of()))
        .extracting(NetworkInfo::name)
        .contains("bridge", "gwc-list-a", "gwc-list-b");
    assertThat(gateway().listNetworks(labels("dockernet.io/contract-owner", "1")))
        .singleElement()
        .satisfies(
            n -> assertThat(n.endpoints()).extracting(NetworkEndpoint::containerId).contains(web));
  }

  @Test
  void takenNameIsAConflictAndAPredefinedNameARefusal() {
    gateway().createNetwork(network("gwc-twice", SUBNET_A));

    assertThatThrownBy(() -> gateway().createNetwork(network("gwc-twice", SUBNET_B)))
        .isInstanceOf(DockerConflictException.class)
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> gateway().createNetwork(network("bridge", SUBNET_B)))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageContaining("predefined");
    assertThat(gateway().listNetworks(TEST_LABELS))
        .extracting(NetworkInfo::name)
        .isEqualTo(List.of("gwc-twice"));
  }

  @Test
  void overlappingPoolIsRejected() {
    gateway().createNetwork(network("gwc-pool", SUBNET_A));

    // Engine 28 prefixes "invalid pool request: ".
    assertThatThrownBy(() -> gateway().createNetwork(network("gwc-overlap", "198.18.24.0/25")))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageEndingWith("Pool overlaps with other one on this address space");
    assertThat(gateway().findNetwork("gwc-overlap")).isEmpty();
  }

  @Test
  void removedNetworkIsGoneAndMissingOrPredefinedOnesAreNotRemoved() {
    String id = gateway().createNetwork(network("gwc-remove", SUBNET_A));

    gateway().removeNetwork(id);

    assertThat(gateway().findNetwork(id)).isEmpty();
    assertThat(gateway().findNetwork("gwc-remove")).isEmpty();
    assertThatThrownBy(() -> gateway().removeNetwork(id))
        .isInstanceOf(DockerNotFoundException.class);
    assertThatThrownBy(() -> gateway().removeNetwork("bridge"))
        .isInstanceOf(DockerRejectedException.class);
  }

  @Test
  void networkWithEndpointsIsNotRemoved() {
    String network = gateway().createNetwork(network("gwc-busy", SUBNET_A));
    String web = startContainer("gwc-busy-web", labels());
    gateway().connect(network, web, null);

    assertThatThrownBy(() -> gateway().removeNetwork(network))
        .isInstanceOf(DockerConflictException.class)
        .hasMessageContaining("has active endpoints");

    gateway().disconnect(network, web, false);
    gateway().removeNetwork(network);
    assertThat(gateway().findNetwork(network)).isEmpty();
  }

  @Test
  void endpointWithAStaticAddressReadsBackOnBothSides() {
    String network = gateway().createNetwork(network("gwc-attach", SUBNET_A));
    String web = startContainer("gwc-web", labels());
    EndpointRequest requested =
        new EndpointRequest(
            "198.18.24.10",
            null,
            List.of("169.254.10.10"),
            List.of("web", "api"),
            List.of(),
            null,
            Map.of("com.example.endpoint", "v1"));

    gateway().connect(network, web, requested);

    ContainerEndpoint endpoint =
        gateway().findContainer("gwc-web").orElseThrow().networks().get("gwc-attach");
    assertThat(endpoint.networkId()).isEqualTo(network);
    assertThat(endpoint.endpointId()).isNotBlank();
    assertThat(endpoint.configuredIpv4()).isEqualTo("198.18.24.10");
    assertThat(endpoint.ipv4Address()).isEqualTo("198.18.24.10");
    assertThat(endpoint.ipv4PrefixLength()).isEqualTo(24);
    // Network inspect reports no gateway here (none was asked for); container inspect does.
    assertThat(endpoint.gateway()).isEqualTo("198.18.24.1");
    assertThat(endpoint.linkLocalIps()).containsExactly("169.254.10.10");
    assertThat(endpoint.aliases()).containsExactly("web", "api");
    assertThat(endpoint.driverOpts())
        .containsExactlyEntriesOf(Map.of("com.example.endpoint", "v1"));
    assertThat(endpoint.macAddress()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    assertThat(gateway().findNetwork(network).orElseThrow().endpoints())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.containerId()).isEqualTo(web);
              assertThat(e.containerName()).isEqualTo("gwc-web");
              assertThat(e.endpointId()).isEqualTo(endpoint.endpointId());
              assertThat(e.ipv4Cidr()).isEqualTo("198.18.24.10/24");
              assertThat(e.macAddress()).isEqualTo(endpoint.macAddress());
            });
  }

  @Test
  void endpointWithoutAStaticAddressGetsOneFromThePoolAndDisconnects() {
    String network = gateway().createNetwork(network("gwc-dynamic", SUBNET_C));
    String web = startContainer("gwc-dynamic-web", labels());

    gateway().connect(network, web, null);

    ContainerEndpoint endpoint =
        gateway().findContainer(web).orElseThrow().networks().get("gwc-dynamic");
    assertThat(endpoint.configuredIpv4()).isNull();
    assertThat(endpoint.ipv4Address())
        .startsWith("198.18.26.")
        .isNotIn("198.18.26.0", "198.18.26.1");
    assertThat(endpoint.ipv4PrefixLength()).isEqualTo(24);

    gateway().disconnect(network, web, false);

    assertThat(gateway().findContainer(web).orElseThrow().networks())
        .doesNotContainKey("gwc-dynamic");
    assertThat(gateway().findNetwork(network).orElseThrow().endpoints()).isEmpty();
    assertThatThrownBy(() -> gateway().disconnect(network, web, false))
        .isInstanceOf(DockerNotFoundException.class);
  }

  @Test
  void staticAddressesAreCheckedAgainstThePool() {
    IpamPool pool = new IpamPool(SUBNET_D, "198.18.27.1", null, Map.of("router", "198.18.27.2"));
    NetworkRequest withAux =
        new NetworkRequest(
            "gwc-static",
            "bridge",
            Map.of(),
            new Ipam(null, Map.of(), List.of(pool)),
            false,
            false,
            false,
            labels());
    String network = gateway().createNetwork(withAux);
    String auto =
        gateway()
            .createNetwork(
                new NetworkRequest(
                    "gwc-static-auto", null, Map.of(), null, false, false, false, labels()));
    String first = startContainer("gwc-first", labels());
    String second = startContainer("gwc-second", labels());
    gateway().connect(network, first, staticAddress("198.18.27.10"));

    assertThatThrownBy(() -> gateway().connect(network, second, staticAddress("198.18.27.10")))
        .isInstanceOf(DockerConflictException.class)
        .hasMessage("Address already in use");
    assertThatThrownBy(() -> gateway().connect(network, second, staticAddress("198.18.27.1")))
        .as("the gateway")
        .isInstanceOf(DockerConflictException.class);
    assertThatThrownBy(() -> gateway().connect(network, second, staticAddress("198.18.27.2")))
        .as("an aux address")
        .isInstanceOf(DockerConflictException.class);
    // 20.10: "... does not belong to any of this network's subnets"; 25+: "invalid endpoint
    // settings: no configured subnet or ip-range contain the IP address ...".
    assertThatThrownBy(() -> gateway().connect(network, second, staticAddress("198.18.99.9")))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageContaining("198.18.99.9");
    assertThatThrownBy(() -> gateway().connect(auto, second, staticAddress("198.18.99.9")))
        .as("a network without configured subnets")
        .isInstanceOf(DockerRejectedException.class);
    assertThatThrownBy(() -> gateway().connect(network, first, staticAddress("198.18.27.11")))
        .as("connected already")
        .isInstanceOf(DockerConflictException.class);
    assertThat(gateway().findNetwork(network).orElseThrow().endpoints())
        .extracting(NetworkEndpoint::ipv4Cidr)
        .containsExactly("198.18.27.10/24");
  }

  @Test
  void missingNetworksAndContainersAreNotFound() {
    String network = gateway().createNetwork(network("gwc-gone", SUBNET_A));
    String web = startContainer("gwc-orphan", labels());
    gateway().removeNetwork(network);

    assertThatThrownBy(() -> gateway().connect(network, web, null))
        .isInstanceOf(DockerNotFoundException.class);
    assertThatThrownBy(() -> gateway().disconnect(network, web, false))
        .isInstanceOf(DockerNotFoundException.class);
    String other = gateway().createNetwork(network("gwc-there", SUBNET_B));
    assertThatThrownBy(() -> gateway().connect(other, "gwc-no-such-container", null))
        .isInstanceOf(DockerNotFoundException.class);
    assertThatThrownBy(() -> gateway().disconnect(other, web, false))
        .as("not connected")
        .isInstanceOf(DockerNotFoundException.class);
    assertThat(gateway().findContainer("gwc-no-such-container")).isEmpty();
    assertThat(gateway().findContainer("")).isEmpty();
  }

  @Test
  void containerWithNetworkModeNoneCannotBeConnected() {
    String network = gateway().createNetwork(network("gwc-none", SUBNET_A));
    String isolated = startContainerWithoutNetwork("gwc-isolated", labels());

    assertThatThrownBy(() -> gateway().connect(network, isolated, null))
        .isInstanceOf(DockerRejectedException.class);
  }

  @Test
  void findContainerReportsNameStateLabelsAndEndpoints() {
    String id = startContainer("gwc-found", labels("dockernet.io/contract-app", "web"));

    ContainerInfo byName = gateway().findContainer("gwc-found").orElseThrow();

    assertThat(gateway().findContainer(id)).contains(byName);
    assertThat(byName.id()).isEqualTo(id);
    assertThat(byName.name()).isEqualTo("gwc-found");
    assertThat(byName.running()).isTrue();
    assertThat(byName.pid()).isPositive();
    assertThat(byName.labels()).containsAllEntriesOf(labels("dockernet.io/contract-app", "web"));
    assertThat(byName.networks()).containsKey("bridge");
    assertThat(byName.networks().get("bridge").ipv4Address()).isNotNull();
    assertThat(byName.ports()).isEmpty();
  }

  @Test
  void stoppedContainerKeepsItsConfigurationButNotItsEndpoint() {
    String network = gateway().createNetwork(network("gwc-stop", SUBNET_A));
    String web = startContainer("gwc-stopped", labels());
    gateway().connect(network, web, staticAddress("198.18.24.10"));

    stopContainer(web);

    // A real daemon may answer the stop before it has released the container's endpoints.
    await()
        .atMost(EVENTS)
        .untilAsserted(
            () -> {
              ContainerInfo stopped = gateway().findContainer(web).orElseThrow();
              assertThat(stopped.running()).isFalse();
              assertThat(stopped.pid()).isZero();
              ContainerEndpoint endpoint = stopped.networks().get("gwc-stop");
              assertThat(endpoint.configuredIpv4()).isEqualTo("198.18.24.10");
              assertThat(endpoint.endpointId()).isNull();
              assertThat(endpoint.ipv4Address()).isNull();
              assertThat(endpoint.macAddress()).isNull();
              assertThat(gateway().findNetwork(network).orElseThrow().endpoints()).isEmpty();
            });

    restartContainer(web);

    ContainerEndpoint restarted =
        gateway().findContainer(web).orElseThrow().networks().get("gwc-stop");
    assertThat(restarted.ipv4Address()).isEqualTo("198.18.24.10");
    assertThat(restarted.networkId()).isEqualTo(network);
  }

  @Test
  void stoppedContainerIsConnectedWithoutAnEndpointUntilItStarts() {
    String network = gateway().createNetwork(network("gwc-later", SUBNET_A));
    String web = startContainer("gwc-later-web", labels());
    stopContainer(web);

    gateway().connect(network, web, staticAddress("198.18.24.20"));

    ContainerEndpoint configured =
        gateway().findContainer(web).orElseThrow().networks().get("gwc-later");
    assertThat(configured.configuredIpv4()).isEqualTo("198.18.24.20");
    assertThat(configured.endpointId()).isNull();
    assertThat(configured.ipv4Address()).isNull();
    assertThat(gateway().findNetwork(network).orElseThrow().endpoints()).isEmpty();
    assertThat(gateway().overview().containers().get(web).networks().get("gwc-later"))
        .extracting(ListedEndpoint::endpointId, ListedEndpoint::ipv4Address)
        .containsExactly(null, null);

    restartContainer(web);

    ContainerEndpoint started =
        gateway().findContainer(web).orElseThrow().networks().get("gwc-later");
    assertThat(started.networkId()).isEqualTo(network);
    assertThat(started.ipv4Address()).isEqualTo("198.18.24.20");
  }

  @Test
  void overviewListsNetworksAndContainersWithTheirEndpoints() {
    String network = gateway().createNetwork(network("gwc-overview", SUBNET_B));
    String web = startContainer("gwc-overview-web", labels());
    gateway().connect(network, web, staticAddress("198.18.25.10"));

    Overview overview = gateway().overview();

    assertThat(overview.networkIds()).containsEntry("gwc-overview", network).containsKey("bridge");
    ListedContainer listed = overview.containers().get(web);
    assertThat(listed.id()).isEqualTo(web);
    assertThat(listed.name()).isEqualTo("gwc-overview-web");
    String endpoint =
        gateway().findContainer(web).orElseThrow().networks().get("gwc-overview").endpointId();
    assertThat(endpoint).isNotNull();
    assertThat(listed.networks())
        .containsEntry("gwc-overview", new ListedEndpoint(network, endpoint, "198.18.25.10"))
        .containsKey("bridge");
  }

  @Test
  void networkEventsArriveForCreateConnectDisconnectAndDestroy() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (AutoCloseable subscription = gateway().subscribe(listener)) {
      String web = startContainer("gwc-events-web", labels());
      String network = gateway().createNetwork(network("gwc-events", SUBNET_A));
      gateway().connect(network, web, null);
      gateway().disconnect(network, web, false);
      gateway().removeNetwork(network);

      await()
          .atMost(EVENTS)
          .untilAsserted(
              () ->
                  assertThat(listener.networkEvents(network))
                      .extracting(DockerEvent::action)
                      // Engines 20.10 and 26.1 announce one disconnect twice: callers must not
                      // count events, only react to them.
                      .startsWith("create")
                      .containsSubsequence("create", "connect", "disconnect", "destroy")
                      .endsWith("destroy"));
      assertThat(listener.networkEvents(network))
          .allSatisfy(
              e -> {
                assertThat(e.attributes()).containsEntry("name", "gwc-events");
                assertThat(e.attributes()).containsEntry("type", "bridge");
              })
          .filteredOn(e -> e.action().endsWith("connect"))
          .allSatisfy(e -> assertThat(e.attributes()).containsEntry("container", web));
    }
    assertThat(listener.opened).hasValue(1);
    assertThat(listener.closed).isEmpty();
  }

  @Test
  void containerEventsCarryTheContainersNameAndLabels() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (AutoCloseable subscription = gateway().subscribe(listener)) {
      String web = startContainer("gwc-lifecycle", labels("dockernet.io/contract-app", "web"));
      stopContainer(web);

      await()
          .atMost(EVENTS)
          .untilAsserted(
              () ->
                  assertThat(listener.containerEvents(web))
                      .extracting(DockerEvent::action)
                      .containsSubsequence("create", "start", "die"));
      assertThat(listener.containerEvents(web))
          .allSatisfy(
              e ->
                  assertThat(e.attributes())
                      .containsEntry("name", "gwc-lifecycle")
                      .containsEntry("dockernet.io/contract-app", "web"));
    }
  }

  @Test
  void closedSubscriptionHearsNothingMore() throws Exception {
    RecordingListener closed = new RecordingListener();
    RecordingListener witness = new RecordingListener();
    try (AutoCloseable stillOpen = gateway().subscribe(witness)) {
      gateway().subscribe(closed).close();

      String network = gateway().createNetwork(network("gwc-unheard", SUBNET_A));

      await()
          .atMost(EVENTS)
          .untilAsserted(() -> assertThat(witness.networkEvents(network)).isNotEmpty());
      assertThat(closed.networkEvents(network)).isEmpty();
      assertThat(closed.closed).isEmpty();
    }
  }

  /** {@link #TEST_LABELS} and these. */
  static Map<String, String> labels(String... keysAndValues) {
    Map<String, String> labels = new HashMap<>(TEST_LABELS);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      labels.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Map.copyOf(labels);
  }

  private static NetworkRequest network(String name, String subnet) {
    return network(name, subnet, labels());
  }

  private static NetworkRequest network(String name, String subnet, Map<String, String> labels) {
    return new NetworkRequest(
        name,
        "bridge",
        Map.of(),
        new Ipam(null, Map.of(), List.of(new IpamPool(subnet, null, null, Map.of()))),
        false,
        false,
        false,
        labels);
  }

  private static EndpointRequest staticAddress(String ipv4) {
    return new EndpointRequest(ipv4, null, List.of(), List.of(), List.of(), null, Map.of());
  }

  /** Dotted quads, for checking what Docker picked. */
  private static final class Ipv4 {
    /** {@code 198.19.128.0/24} → {@code 198.19.128.1}. */
    static String firstHost(String cidr) {
      String[] parts = cidr.split("/");
      int prefix = Integer.parseInt(parts[1]);
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      int first = (parse(parts[0]) & mask) + 1;
      return ((first >>> 24) & 0xff)
          + "."
          + ((first >>> 16) & 0xff)
          + "."
          + ((first >>> 8) & 0xff)
          + "."
          + (first & 0xff);
    }

    private static int parse(String address) {
      int value = 0;
      for (String octet : address.split("\\.")) {
        value = (value << 8) | Integer.parseInt(octet);
      }
      return value;
    }
  }

  /** Records what a subscription hears; thread-safe, for a real daemon's event thread. */
  static final class RecordingListener implements DockerEventListener {
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

    List<DockerEvent> networkEvents(String networkId) {
      return events.stream()
          .filter(e -> "network".equals(e.type()) && networkId.equals(e.actorId()))
          .toList();
    }

    List<DockerEvent> containerEvents(String containerId) {
      return events.stream()
          .filter(e -> "container".equals(e.type()) && containerId.equals(e.actorId()))
          .toList();
    }
  }
}
