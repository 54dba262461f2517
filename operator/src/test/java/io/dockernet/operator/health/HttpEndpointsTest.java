package io.dockernet.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe and metrics server as the kubelet and Prometheus meet it, on a real port. */
class HttpEndpointsTest {

  /**
   * A probe held up behind a stuck client never answers at all; 5 s (not the kubelet's 1 s) keeps a
   * machine busy with other builds from failing the test.
   */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<List<String>> readiness = new AtomicReference<>(List.of());
  private final List<Socket> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
  private HttpEndpoints endpoints;

  @AfterEach
  void close() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    if (endpoints != null) {
      endpoints.close();
    }
  }

  @Test
  void probesAnswerWhileOtherClientsHoldHalfSentRequests() throws Exception {
    endpoints = start(HttpEndpoints.IDLE_TIMEOUT);
    // More stuck clients than the server has threads of any kind: none of them may matter.
    for (int i = 0; i < 20; i++) {
      Socket stuck = connect();
      OutputStream out = stuck.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: probe\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    clients.add(connect()); // and one that never sends a byte

    assertThat(get("/healthz")).isEqualTo("200 ok\n");
    assertThat(get("/readyz")).isEqualTo("200 ok\n");
    assertThat(get("/metrics")).startsWith("200 ").contains("probe_requests_total 1.0");
  }

  @Test
  void silentConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
    endpoints = start(Duration.ofMillis(500));
    Socket stuck = connect();
    stuck.getOutputStream().write("GET /readyz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
    stuck.setSoTimeout(10_000);

    assertThat(stuck.getInputStream().read()).as("closed by the server, unanswered").isEqualTo(-1);
  }

  @Test
  void notReadyAnswers503NamingWhatIsMissingWhileStillAlive() throws Exception {
    endpoints = start(HttpEndpoints.IDLE_TIMEOUT);
    readiness.set(List.of("Docker event stream not open (DockerUnavailable)"));

    assertThat(get("/readyz"))
        .isEqualTo("503 not ready: Docker event stream not open (DockerUnavailable)\n");
    assertThat(get("/healthz")).isEqualTo("200 ok\n");

    readiness.set(List.of());
    assertThat(get("/readyz")).isEqualTo("200 ok\n");
  }

  @Test
  void aFailingCheckIsNotReadyRatherThanAnError() throws Exception {
    endpoints =
        new HttpEndpoints(
            0,
            registry,
            List::of,
            () -> {
              throw new IllegalStateException("informer gone");
            });

    assertThat(get("/readyz")).startsWith("503 not ready: the check failed").contains("informer");
    assertThat(get("/nothing-here")).startsWith("404");
  }

  private HttpEndpoints start(Duration idleTimeout) throws IOException {
    Counter.builder("probe.requests").register(registry).increment();
    return new HttpEndpoints(0, registry, List::of, readiness::get, idleTimeout);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", endpoints.port()), 1000);
    clients.add(socket);
    return socket;
  }

  private String get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path))
            .timeout(PROBE_TIMEOUT)
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
