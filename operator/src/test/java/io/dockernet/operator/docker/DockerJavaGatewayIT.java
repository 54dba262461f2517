package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
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
 * What {@link DockerJavaGateway} does on real Engines beyond the gateway contract ({@link
 * DockerJavaGatewayContractIT}): the API version it speaks, Engine 20.10's duplicate names, the
 * timer of every call, and a daemon that is not there. Every test runs once per Engine of the test
 * bed (see {@link RealDaemon} for which daemons, and what they need).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("daemons")
class DockerJavaGatewayIT {

  private static final String TEST_LABEL = "dockernet.io/test";
  private static final String TEST_LABEL_VALUE = "DockerJavaGatewayIT";

  /** The daemon of this invocation (also handed to the per-invocation set-up below). */
  @Parameter String daemon;

  private static RealDaemon real;
  private static URI dockerHost;
  private static SimpleMeterRegistry registry;
  private static DockerJavaGateway gateway;
  private static DockerClient fixtures;

  static List<String> daemons() {
    return RealDaemon.daemons();
  }

  @BeforeParameterizedClassInvocation
  static void connectToDaemon(String daemon) {
    real = RealDaemon.connect(daemon, TEST_LABEL + "=" + TEST_LABEL_VALUE);
    dockerHost = real.dockerHost();
    fixtures = real.fixtures();
    registry = new SimpleMeterRegistry();
    gateway = DockerJavaGateway.create(dockerHost, registry);
  }

  @AfterEach
  void cleanUp() {
    real.removeLeftovers();
  }

  @AfterParameterizedClassInvocation
  static void close() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (real != null) {
      real.close();
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
  void everyCallIsTimedWithItsOutcome() {
    gateway.createNetwork(network("gwit-timed", "198.18.20.0/24"));

    assertThatThrownBy(() -> gateway.createNetwork(network("gwit-timed", "198.18.23.0/24")))
        .isInstanceOf(DockerConflictException.class);
    assertThatThrownBy(() -> gateway.createNetwork(network("gwit-overlap", "198.18.20.0/25")))
        .isInstanceOf(DockerRejectedException.class);
    assertThat(callCount("createNetwork", "success")).isGreaterThanOrEqualTo(1);
    assertThat(callCount("createNetwork", "conflict")).isEqualTo(1);
    assertThat(callCount("createNetwork", "rejected")).isEqualTo(1);
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

  private static long callCount(String operation, String outcome) {
    Timer timer =
        registry
            .find(DockerJavaGateway.CALL_TIMER)
            .tags("operation", operation, "outcome", outcome)
            .timer();
    return timer == null ? 0 : timer.count();
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
