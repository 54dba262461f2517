package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.testbed.ChartRbac;
import io.dockernet.operator.testbed.Repo;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Dockerfile, built multi-stage as from a clean clone on a node daemon without a registry
 * (BUILD_IMAGE made offline by hack/offline-build-image.sh, whose Maven builds the jar inside the
 * build stage; BASE_IMAGE by hack/offline-jre-image.sh), with its OCI labels, and run the way the
 * chart runs it: agent and controller as containers of node-a's daemon (Engine 20.10), and a second
 * agent as a container of node-b's (28.5.2 refusing API versions below 1.44, as Engine 29.0-29.2
 * do: the node where a pinned client used to crash-loop), non-root with the socket's group,
 * read-only root, no capabilities, the node's socket mounted, in-cluster credentials (a
 * ServiceAccount token and CA at the usual path, KUBERNETES_SERVICE_HOST/PORT). The API server
 * listens on the host's loopback; the containers share their node's network namespace (--network
 * host on that daemon) and reach it through {@link LoopbackRelay}, so traffic stays on loopback.
 */
@ExtendWith(TestBedExtension.class)
class ImageIT {

  private static final String NODE = "node-a";
  private static final String FLOOR_NODE = "node-b";
  private static final String BASE_IMAGE = "dockernet/jre-offline:17";
  private static final String BUILD_IMAGE = "dockernet/build-offline:17";
  private static final String IMAGE = "dockernet/dockernet-operator:it";
  private static final Path WORK = Path.of("target/image-it").toAbsolutePath();

  @Test
  void theImageRunsBothRolesOnANodeAndConvergesTheSeed(TestBed bed) throws Exception {
    Path jdk = Path.of(System.getProperty("java.home"));
    assumeTrue(
        Files.isExecutable(jdk.resolve("bin/jlink")) && Files.isDirectory(jdk.resolve("jmods")),
        "no jlink/jmods in " + jdk + " to make the offline base image (openjdk-17-jmods)");
    assertThat(Repo.root().resolve("operator/target/dockernet-operator.jar"))
        .as("built by mvn package before the ITs")
        .exists();
    KubernetesClient kube = bed.kubernetesClient();
    RunningOperators.installCrds(kube); // as `kubectl apply -f helm/dockernet-operator/crds/` first
    TestNode node = bed.node(NODE);
    DockerCli docker = new DockerCli(node.socket());
    TestNode floorNode = bed.node(FLOOR_NODE);
    assertThat(floorNode.refusesApiBelow144()).as("%s refuses API below 1.44", FLOOR_NODE).isTrue();
    DockerCli floor = new DockerCli(floorNode.socket());
    bed.cleanDocker();

    Commands.run(
        Duration.ofMinutes(5),
        Map.of(),
        List.of("bash", "hack/offline-jre-image.sh", node.socket().toString(), BASE_IMAGE));
    // The multi-stage build of a clean clone: Maven builds the jar inside the build stage.
    Commands.run(
        Duration.ofMinutes(8),
        Map.of(),
        List.of("bash", "hack/offline-build-image.sh", node.socket().toString(), BUILD_IMAGE));
    docker.run(
        "build",
        "--build-arg",
        "BUILD_IMAGE=" + BUILD_IMAGE,
        "--build-arg",
        "BASE_IMAGE=" + BASE_IMAGE,
        "--build-arg",
        "VERSION=0.1.0",
        "--build-arg",
        "REVISION=0123abc",
        "-t",
        IMAGE,
        ".");
    assertThat(docker.run("image", "inspect", "-f", "{{json .Config.Labels}}", IMAGE))
        .contains("\"org.opencontainers.image.version\":\"0.1.0\"")
        .contains("\"org.opencontainers.image.revision\":\"0123abc\"")
        .contains("\"org.opencontainers.image.source\":")
        .contains("\"org.opencontainers.image.licenses\":");
    // The image's own start maps its classes from the archive the build made: -Xshare:on ends
    // the JVM at once if the archive does not match the image's JVM or jars.
    assertThat(
            docker.run(
                "run",
                "--rm",
                "-e",
                "JAVA_TOOL_OPTIONS=-Xshare:on -Xlog:class+load=info",
                IMAGE,
                "training-run"))
        .contains("io.dockernet.operator.Main source: shared objects file")
        .contains(
            "io.fabric8.kubernetes.client.KubernetesClientBuilder source: shared objects file")
        .contains("Training run of the CONTROLLER role done");
    // It also holds what only a real start loads (operator/cds-start.classlist), which the
    // training run, meeting no server, never reaches: the watches' and the node Lease's classes.
    assertThat(
            docker.run(
                "run",
                "--rm",
                "-e",
                "JAVA_TOOL_OPTIONS=-XX:+PrintSharedArchiveAndExit -XX:+PrintSharedDictionary",
                IMAGE))
        .contains("io.fabric8.kubernetes.api.model.WatchEvent app_loader")
        .contains("io.dockernet.operator.node.NodeLeaseKeeper app_loader");
    // The same image on the other node, as a registry pull would have it there.
    Files.createDirectories(WORK);
    Path saved = WORK.resolve("image.tar");
    docker.run("save", "-o", saved.toString(), IMAGE);
    floor.run("load", "-i", saved.toString());
    Files.delete(saved);

    // Run alone on a fresh test bed, no other test has installed them.
    RunningOperators.installCrds(kube);
    ServiceAccounts accounts = ChartRbac.install(kube);
    int apiPort = URI.create(kube.getMasterUrl().toString()).getPort();
    Files.createDirectories(WORK);
    Path relaySocket = WORK.resolve("apiserver.sock");
    try (LoopbackRelay host = LoopbackRelay.unixToLoopback(relaySocket, apiPort);
        NodeRelay inNode = NodeRelay.start(NODE, apiPort, relaySocket);
        NodeRelay inFloorNode = NodeRelay.start(FLOOR_NODE, apiPort, relaySocket)) {
      String gid = Files.getAttribute(node.socket(), "unix:gid").toString();
      docker.run(
          runAs(accounts, accounts.agent(), apiPort, "18081")
              .with("--group-add", gid)
              .with("-v", node.socket() + ":/var/run/docker.sock")
              .with("-e", "NODE_NAME=" + NODE)
              .with("-e", "POD_NAMESPACE=" + accounts.namespace())
              .with("-e", "POD_NAME=dockernet-agent-" + NODE)
              .with("--name", "dockernet-agent", IMAGE)
              .args());
      floor.run(
          runAs(accounts, accounts.agent(), apiPort, "18081")
              .with("--group-add", Files.getAttribute(floorNode.socket(), "unix:gid").toString())
              .with("-v", floorNode.socket() + ":/var/run/docker.sock")
              .with("-e", "NODE_NAME=" + FLOOR_NODE)
              .with("-e", "POD_NAMESPACE=" + accounts.namespace())
              .with("-e", "POD_NAME=dockernet-agent-" + FLOOR_NODE)
              .with("--name", "dockernet-agent", IMAGE)
              .args());
      docker.run(
          runAs(accounts, accounts.controller(), apiPort, "18082")
              .with("-e", "POD_NAMESPACE=" + accounts.namespace())
              .with("--name", "dockernet-controller", IMAGE, "--role", "controller")
              .args());
      try {
        convergeAndRelease(bed, kube, docker, floor);
      } catch (AssertionError | RuntimeException e) {
        e.addSuppressed(
            new AssertionError("agent log:\n" + docker.tryRun("logs", "dockernet-agent")));
        e.addSuppressed(
            new AssertionError(
                FLOOR_NODE + " agent log:\n" + floor.tryRun("logs", "dockernet-agent")));
        e.addSuppressed(
            new AssertionError(
                "controller log:\n" + docker.tryRun("logs", "dockernet-controller")));
        throw e;
      } finally {
        docker.tryRun("rm", "-f", "dockernet-agent", "dockernet-controller");
        floor.tryRun("rm", "-f", "dockernet-agent");
      }
    }
  }

  private static void convergeAndRelease(
      TestBed bed, KubernetesClient kube, DockerCli docker, DockerCli floor) throws IOException {
    GenericKubernetesResource seed = seedOnlyOn(NODE, FLOOR_NODE);
    kube.resource(seed).create();
    Convergence.awaitReadyOn(kube, "DockerNetwork", "mynetwork", 2);

    for (String node : List.of(NODE, FLOOR_NODE)) {
      Network network =
          bed.node(node).docker().inspectNetworkCmd().withNetworkId("mynetwork").exec();
      assertThat(network.getOptions())
          .as(node)
          .containsEntry("com.docker.network.bridge.name", "docker1");
      assertThat(network.getIpam().getConfig())
          .extracting(c -> c.getSubnet())
          .containsExactly("198.18.60.0/24");
    }
    // The probes the chart points at answer inside the containers.
    assertThat(
            docker.run("exec", "dockernet-agent", "wget", "-qO-", "http://127.0.0.1:18081/readyz"))
        .isEqualTo("ok");
    assertThat(
            floor.run("exec", "dockernet-agent", "wget", "-qO-", "http://127.0.0.1:18081/readyz"))
        .isEqualTo("ok");
    assertThat(
            docker.run(
                "exec", "dockernet-controller", "wget", "-qO-", "http://127.0.0.1:18082/healthz"))
        .isEqualTo("ok");

    Convergence.object(kube, "DockerNetwork", "mynetwork").delete();
    Convergence.awaitGone(kube, "DockerNetwork", "mynetwork");
    for (String node : List.of(NODE, FLOOR_NODE)) {
      assertThat(bed.node(node).docker().listNetworksCmd().withNameFilter("mynetwork").exec())
          .as(node)
          .noneMatch(n -> "mynetwork".equals(n.getName()));
    }
  }

  /** examples/01-seed-mynetwork.yaml, moved into 198.18.60.0/24 and onto the given nodes. */
  private static GenericKubernetesResource seedOnlyOn(String... nodes) throws IOException {
    String yaml =
        new ExampleAddresses(60)
            .rewrite(Files.readString(Repo.examples().resolve("01-seed-mynetwork.yaml")));
    GenericKubernetesResource seed = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) seed.getAdditionalProperties().get("spec");
    spec.put(
        "nodeSelector",
        Map.of(
            "matchExpressions",
            List.of(
                Map.of(
                    "key", "kubernetes.io/hostname", "operator", "In", "values", List.of(nodes)))));
    return seed;
  }

  /**
   * {@code docker run} as the chart's pod spec has it: non-root, read-only root with a writable
   * /tmp, no capabilities, no privilege escalation, the role's token where in-cluster config looks,
   * the node's network namespace.
   */
  private static DockerRun runAs(
      ServiceAccounts accounts, String serviceAccount, int apiPort, String httpPort)
      throws IOException {
    Path secrets = WORK.resolve(serviceAccount);
    Files.createDirectories(secrets);
    String token =
        TestBed.get()
            .kubernetesClient()
            .serviceAccounts()
            .inNamespace(accounts.namespace())
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    write(secrets.resolve("token"), token);
    write(secrets.resolve("ca.crt"), apiServerCa());
    write(secrets.resolve("namespace"), accounts.namespace());
    return new DockerRun()
        .with("run", "-d", "--network", "host", "--user", "65532:65532")
        .with("--read-only", "--tmpfs", "/tmp:rw,exec,nosuid,size=64m")
        .with("--cap-drop", "ALL", "--security-opt", "no-new-privileges")
        .with("-v", secrets + ":/var/run/secrets/kubernetes.io/serviceaccount:ro")
        .with("-e", "KUBERNETES_SERVICE_HOST=127.0.0.1")
        .with("-e", "KUBERNETES_SERVICE_PORT=" + apiPort)
        .with("-e", "HTTP_PORT=" + httpPort);
  }

  /** The CA the kubeconfig trusts, inline or as a file (kube-api-test writes a file). */
  private static String apiServerCa() throws IOException {
    Config config = Config.fromKubeconfig(TestBed.get().kubeConfigYaml());
    return config.getCaCertData() != null
        ? new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.UTF_8)
        : Files.readString(Path.of(config.getCaCertFile()));
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /** Collects docker arguments. */
  private static final class DockerRun {
    private final java.util.ArrayList<String> args = new java.util.ArrayList<>();

    DockerRun with(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    String[] args() {
      return args.toArray(String[]::new);
    }
  }

  /** The node side of the relay: a JVM in a node's network namespace (nsenter --net). */
  private record NodeRelay(Process process) implements AutoCloseable {

    static NodeRelay start(String node, int port, Path socket) throws IOException {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process process =
          new ProcessBuilder(
                  "nsenter",
                  "--net=/var/run/netns/" + node,
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LoopbackRelay.class.getName(),
                  String.valueOf(port),
                  socket.toString())
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (!"listening".equals(first)) {
        process.destroyForcibly();
        throw new IllegalStateException("the relay in " + node + " did not start: " + first);
      }
      return new NodeRelay(process);
    }

    @Override
    public void close() {
      process.destroy();
      await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    }
  }
}
