package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.KubernetesClients;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.testbed.RunningOperators;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A starting agent serves its probes before its roles are up: the kubelet's startup probe and a
 * person with curl learn that it is still starting, instead of meeting a closed port. On a real API
 * server, with the start held at its heartbeat's first renewal.
 */
class StartingAgentProbesTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aStartingAgentSaysItIsStillStarting() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    String heartbeat = "/leases/" + AgentHeartbeat.leaseName(AgentOnFakeDocker.NODE);
    Interceptor holdFirstHeartbeat =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (request.uri().getPath().endsWith(heartbeat) && held.getCount() > 0) {
              held.countDown();
              awaitUninterruptibly(release);
            }
          }
        };
    int port = freePort();
    OperatorConfig config =
        new OperatorConfig(
            EnumSet.of(Role.AGENT),
            AgentOnFakeDocker.NODE,
            URI.create("unix:///nonexistent/docker.sock"),
            port,
            "default",
            RunningOperators.TEST_BED_POLICY);
    FakeDockerGateway docker = new FakeDockerGateway();
    try (KubernetesClient client =
        KubernetesClients.builder()
            .withConfig(AgentOnFakeDocker.kube().getConfiguration())
            .withHttpClientBuilderConsumer(
                b -> b.addOrReplaceInterceptor("test", holdFirstHeartbeat))
            .build()) {
      CompletableFuture<DockernetOperator> starting =
          CompletableFuture.supplyAsync(() -> start(config, client, docker));
      try {
        assertThat(held.await(AgentOnFakeDocker.SOON.toSeconds(), TimeUnit.SECONDS)).isTrue();

        for (String probe : List.of("/healthz", "/readyz")) {
          HttpResponse<String> answer = get(port, probe);
          assertThat(answer.statusCode()).as(probe).isEqualTo(503);
          assertThat(answer.body()).as(probe).contains("starting");
        }
      } finally {
        release.countDown();
      }
      try (DockernetOperator agent =
          starting.get(AgentOnFakeDocker.SOON.toSeconds(), TimeUnit.SECONDS)) {
        assertThat(get(agent.httpPort(), "/healthz").statusCode()).isEqualTo(200);
        await()
            .atMost(AgentOnFakeDocker.SOON)
            .until(() -> get(agent.httpPort(), "/readyz").statusCode() == 200);
      }
    }
  }

  private static DockernetOperator start(
      OperatorConfig config, KubernetesClient client, FakeDockerGateway docker) {
    try {
      return DockernetOperator.start(config, client, real -> docker);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
