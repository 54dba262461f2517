package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The fake must refuse and report what Engine 20.10 refuses and reports, or tests lie: what every
 * gateway does is in {@link DockerGatewayContract}; here is what is the fake's own (20.10's exact
 * messages and choices, synchronous events, the test controls).
 */
class FakeDockerGatewayTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();

  @Test
  void networkWithoutPoolsGetsTheNextFreeSubnetOfTheTestBedsDefaultPool() {
    docker.createNetwork(request("taken", pool("198.19.128.0/24", null)));

    String id = docker.createNetwork(request("auto", null));

    assertThat(docker.findNetwork(id).orElseThrow().ipam().pools())
        .containsExactly(new IpamPool("198.19.129.0/24", "198.19.129.1", null, Map.of()));
  }

  @Test
  void staticAddressesAreCheckedLikeDockerDoes() {
    IpamPool pool =
        new IpamPool("198.18.20.0/24", "198.18.20.1", null, Map.of("router", "198.18.20.2"));
    String lab = docker.createNetwork(request("lab", pool));
    String auto = docker.createNetwork(request("auto", null));
    String web = docker.addContainer("web", "default");
    String db = docker.addContainer("db", "default");
    docker.connect(lab, web, endpoint("198.18.20.10"));

    assertThatThrownBy(() -> docker.connect(lab, db, endpoint("198.18.20.10")))
        .isInstanceOf(DockerConflictException.class)
        .hasMessage("Address already in use");
    assertThatThrownBy(() -> docker.connect(lab, db, endpoint("198.18.20.1")))
        .isInstanceOf(DockerConflictException.class);
    assertThatThrownBy(() -> docker.connect(lab, db, endpoint("198.18.20.2")))
        .isInstanceOf(DockerConflictException.class);
    assertThatThrownBy(() -> docker.connect(lab, db, endpoint("198.18.21.10")))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageContaining("does not belong to any of this network's subnets");
    assertThatThrownBy(() -> docker.connect(auto, db, endpoint("198.18.0.50")))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageContaining("user configured subnets");
    assertThatThrownBy(() -> docker.connect(lab, web, endpoint(null)))
        .isInstanceOf(DockerConflictException.class)
        .hasMessageContaining("endpoint with name web already exists");
  }

  @Test
  void connectReportsConfigurationAndAssignmentButIgnoresTheRequestedMac() {
    String lab = docker.createNetwork(request("lab", pool("198.18.20.0/24", "198.18.20.128/25")));
    String web = docker.addContainer("web", "default");
    EndpointRequest requested =
        new EndpointRequest(
            null,
            null,
            List.of("169.254.10.10"),
            List.of("api"),
            List.of(),
            "02:aa:bb:cc:dd:ee",
            Map.of("com.example.opt", "v1"));

    docker.connect(lab, web, requested);

    ContainerEndpoint endpoint = docker.findContainer("web").orElseThrow().networks().get("lab");
    assertThat(endpoint.networkId()).isEqualTo(lab);
    assertThat(endpoint.ipv4Address()).isEqualTo("198.18.20.128");
    assertThat(endpoint.ipv4PrefixLength()).isEqualTo(24);
    assertThat(endpoint.gateway()).isEqualTo("198.18.20.1");
    assertThat(endpoint.macAddress()).isEqualTo("02:42:c6:12:14:80");
    assertThat(endpoint.aliases()).containsExactly("api");
    assertThat(endpoint.linkLocalIps()).containsExactly("169.254.10.10");
    assertThat(endpoint.driverOpts()).containsEntry("com.example.opt", "v1");
    assertThat(docker.findNetwork(lab).orElseThrow().endpoints())
        .singleElement()
        .satisfies(e -> assertThat(e.ipv4Cidr()).isEqualTo("198.18.20.128/24"));
  }

  @Test
  void containersThatCannotJoinAnotherNetworkAreRejected() {
    String lab = docker.createNetwork(request("lab", null));
    String isolated = docker.addContainer("isolated", "none");

    assertThatThrownBy(() -> docker.connect(lab, isolated, endpoint(null)))
        .isInstanceOf(DockerRejectedException.class)
        .hasMessageContaining("private (none) mode");
  }

  @Test
  void eventsReachSubscribersSynchronouslyUntilTheyClose() throws Exception {
    RecordingListener listener = new RecordingListener();
    AutoCloseable subscription = docker.subscribe(listener);

    String lab = docker.createNetwork(request("lab", null));
    String web = docker.addContainer("web", "default");
    docker.connect(lab, web, endpoint(null));
    docker.disconnect(lab, web, false);
    docker.removeNetwork(lab);
    subscription.close();
    docker.createNetwork(request("after-close", null));

    assertThat(listener.events)
        .filteredOn(e -> e.type().equals("network") && e.actorId().equals(lab))
        .extracting(DockerEvent::action)
        .containsExactly("create", "connect", "disconnect", "destroy");
    assertThat(listener.events)
        .filteredOn(e -> e.type().equals("network") && e.action().equals("connect"))
        .last()
        .satisfies(e -> assertThat(e.attributes()).containsEntry("container", web));
    assertThat(listener.events).noneMatch(e -> "after-close".equals(e.attributes().get("name")));
    assertThat(listener.opened).hasValue(1);
    assertThat(listener.closed).isEmpty();
  }

  @Test
  void unavailableDaemonFailsEveryCallAndClosesStreamsOnce() {
    RecordingListener listener = new RecordingListener();
    docker.subscribe(listener);

    docker.setAvailable(false);

    assertThat(listener.closed).singleElement().isInstanceOf(DockerUnavailableException.class);
    assertThatThrownBy(() -> docker.findNetwork("bridge"))
        .isInstanceOf(DockerUnavailableException.class);
    RecordingListener late = new RecordingListener();
    docker.subscribe(late);
    assertThat(late.closed).hasSize(1);

    docker.setAvailable(true);
    assertThat(docker.findNetwork("bridge")).isPresent();
    assertThat(listener.closed).hasSize(1);
  }

  @Test
  void writeCountCountsWriteAttemptsOnly() {
    docker.createNetwork(request("lab", null));
    docker.failNext("connect", new DockerUnavailableException("planned", null));
    String web = docker.addContainer("web", "default");

    assertThatThrownBy(() -> docker.connect("lab", web, endpoint(null)))
        .isInstanceOf(DockerUnavailableException.class);
    docker.findNetwork("lab");
    docker.listNetworks(Map.of());
    docker.findContainer(web);

    assertThat(docker.writeCount()).isEqualTo(2);
    assertThat(docker.writeCount("connect")).isEqualTo(1);
    docker.resetWriteCount();
    assertThat(docker.writeCount()).isZero();
  }

  private static NetworkRequest request(String name, IpamPool pool) {
    Ipam ipam = pool == null ? null : new Ipam(null, Map.of(), List.of(pool));
    return new NetworkRequest(name, null, Map.of(), ipam, false, false, false, Map.of());
  }

  private static IpamPool pool(String subnet, String ipRange) {
    return new IpamPool(subnet, null, ipRange, Map.of());
  }

  private static EndpointRequest endpoint(String ipv4) {
    return new EndpointRequest(ipv4, null, List.of(), List.of(), List.of(), null, Map.of());
  }

  private static final class RecordingListener implements DockerEventListener {
    final List<DockerEvent> events = new ArrayList<>();
    final List<Throwable> closed = new ArrayList<>();

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
