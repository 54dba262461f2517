package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerJavaGateway;
import io.dockernet.operator.testbed.Edits;
import io.dockernet.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** What the DockerNetwork integration tests do and check, in a user's terms. */
final class NetworkTestSupport {

  static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Set<String> DOCKER_WRITES =
      Set.of("createNetwork", "removeNetwork", "connect", "disconnect");

  private NetworkTestSupport() {}

  static DockerNetwork get(KubernetesClient kube, String name) {
    return find(kube, name).orElseThrow();
  }

  static Optional<DockerNetwork> find(KubernetesClient kube, String name) {
    return Optional.ofNullable(kube.resources(DockerNetwork.class).withName(name).get());
  }

  static void edit(KubernetesClient kube, String name, UnaryOperator<DockerNetwork> change) {
    Edits.edit(kube.resources(DockerNetwork.class).withName(name), change);
  }

  /** Waits until the summary says Ready on exactly {@code nodes} nodes for the current spec. */
  static void awaitReady(KubernetesClient kube, String name, int nodes) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              DockerNetwork dn = get(kube, name);
              assertThat(dn.getStatus()).as("status of %s", name).isNotNull();
              assertThat(dn.getStatus().observedGeneration)
                  .isEqualTo(dn.getMetadata().getGeneration());
              assertThat(dn.getStatus().ready).isEqualTo(nodes + "/" + nodes);
              assertThat(condition(kube, name, "Ready")).isEqualTo("True");
            });
  }

  static void awaitNodesReady(KubernetesClient kube, String name, Collection<String> nodes) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              for (String node : nodes) {
                assertThat(report(kube, name, node).phase).as(node).isEqualTo(Phase.Ready);
              }
            });
  }

  static String condition(KubernetesClient kube, String name, String type) {
    DockerNetwork dn = get(kube, name);
    return dn.getStatus() == null
        ? null
        : dn.getStatus().conditions.stream()
            .filter(c -> type.equals(c.getType()))
            .map(c -> c.getStatus())
            .findFirst()
            .orElse(null);
  }

  static List<DockerNetworkNodeState> reports(KubernetesClient kube, String name) {
    return kube
        .resources(DockerNetworkNodeState.class)
        .withLabel(Keys.DOCKER_NETWORK_LABEL, name)
        .list()
        .getItems()
        .stream()
        .filter(r -> r.getStatus() != null)
        .toList();
  }

  static NetworkReport report(KubernetesClient kube, String name, String node) {
    return reports(kube, name).stream()
        .map(DockerNetworkNodeState::getStatus)
        .filter(s -> node.equals(s.nodeName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no report from " + node + " on " + name));
  }

  static List<Event> events(KubernetesClient kube, String name) {
    return kube.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "DockerNetwork".equals(e.getInvolvedObject().getKind()))
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  static void labelNode(KubernetesClient kube, String node, String key, String value) {
    Edits.edit(
        kube.nodes().withName(node),
        n -> {
          n.getMetadata().getLabels().put(key, value);
          return n;
        });
  }

  /** A network someone created by hand (`docker network create`), not labelled as ours. */
  static String createForeign(DockerClient docker, String name, String subnet) {
    return docker
        .createNetworkCmd()
        .withName(name)
        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet)))
        .exec()
        .getId();
  }

  /** A running busybox container (`docker run -d --name NAME dockernet/busybox`). */
  static String runBusybox(DockerClient docker, String name) {
    return TestBed.runBusybox(docker, name);
  }

  /**
   * GET http://127.0.0.1:port/path as "STATUS BODY". 5 s, not a kubelet probe's 1 s, so that a
   * machine busy with other builds does not fail it; a probe held up would never answer at all.
   */
  static String httpStatus(int port, String path) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  /** GET http://127.0.0.1:port/path; fails unless the answer is 200. */
  static String http(int port, String path) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
    return response.body();
  }

  /**
   * What {@code promtool check metrics} (Debian's prometheus package) objects to in a scrape:
   * names, units and help text against Prometheus conventions. Empty when it is happy.
   */
  static String promtoolProblems(String scrape) throws Exception {
    Process p =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(scrape.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    int code = p.waitFor();
    return code == 0 ? "" : out;
  }

  /** How many reconciliations of DockerNetworks an operator instance ran. */
  static long reconciles(MeterRegistry metrics) {
    return metrics.find("dockernet.reconcile").tag("kind", "DockerNetwork").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  /** How many Docker calls that change something an operator instance made. */
  static long dockerWrites(MeterRegistry metrics) {
    return metrics.find(DockerJavaGateway.CALL_TIMER).timers().stream()
        .filter(t -> DOCKER_WRITES.contains(t.getId().getTag("operation")))
        .mapToLong(Timer::count)
        .sum();
  }
}
