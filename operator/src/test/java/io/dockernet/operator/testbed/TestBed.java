package io.dockernet.operator.testbed;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Version;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared test bed of every {@code *IT}: a real kube-apiserver + etcd (fabric8 kube-api-test,
 * binaries from {@code hack/install-kube-binaries.sh}) and one real Docker daemon per simulated
 * node ({@code hack/nodes.sh}), each with a {@code Node} object. Started once per JVM on first use
 * and torn down when the JVM exits. Use it through {@link TestBedExtension}.
 *
 * <p>System properties: {@code kube.version} (set by the POM), {@code testbed.nodes} (default 3),
 * {@code testbed.engines} (the Engine of each node, comma-separated {@code VERSION[:MIN_API]};
 * default {@value #DEFAULT_ENGINES}), {@code testbed.keepNodes} (leave daemons this JVM started
 * running), {@code testbed.repoRoot}.
 *
 * <p>The default mix puts a legacy Engine 20.10 first (node-a), then an Engine refusing API
 * versions older than 1.44 as Engine 29.0 to 29.2 do (node-b: 28.5.2 with that floor), then 26.1.5
 * (node-c), then again: every test touching at least node-a and node-b runs against both kinds, and
 * {@link #onePerEngine} names a node of each Engine for tests that act on single nodes.
 */
public final class TestBed {

  /** Label on every {@code Node} object the test bed creates. */
  public static final String NODE_LABEL = "dockernet.io/testbed";

  /** node-a, node-b, ... run these Engines (hack/nodes.sh ENGINE syntax), unless told otherwise. */
  public static final String DEFAULT_ENGINES = "20.10,28.5.2:1.44,26.1.5,20.10,28.5.2:1.44";

  /** The offline test image every node daemon has (see {@code hack/busybox-image.sh}). */
  public static final String IMAGE = NodeDaemons.IMAGE;

  /** A Docker client for a daemon (or a proxy in front of one) at this unix socket. */
  public static DockerClient dockerClient(Path socket) {
    return NodeDaemons.client(socket);
  }

  /** The names of the containers on a Docker network, as `docker network inspect` lists them. */
  public static List<String> containersOn(DockerClient docker, String network) {
    return docker
        .inspectNetworkCmd()
        .withNetworkId(network)
        .exec()
        .getContainers()
        .values()
        .stream()
        .map(com.github.dockerjava.api.model.Network.ContainerNetworkConfig::getName)
        .toList();
  }

  /** {@code docker run -d --name NAME dockernet/busybox} with optional extra settings. */
  public static String runBusybox(
      DockerClient docker, String name, Consumer<CreateContainerCmd> settings) {
    CreateContainerCmd create = docker.createContainerCmd(IMAGE).withName(name);
    settings.accept(create);
    String id = create.exec().getId();
    docker.startContainerCmd(id).exec();
    return id;
  }

  /** {@code docker run -d --name NAME dockernet/busybox}. */
  public static String runBusybox(DockerClient docker, String name) {
    return runBusybox(docker, name, c -> {});
  }

  private static final Logger log = LoggerFactory.getLogger(TestBed.class);
  private static final String FIELD_MANAGER = "dockernet-testbed";

  private static TestBed instance;
  private static RuntimeException startFailure;

  private final KubeAPIServer apiServer;
  private final KubernetesClient client;
  private final String kubeConfigYaml;
  private final Path kubeConfigFile;
  private final NodeDaemons daemons;

  private TestBed(
      KubeAPIServer apiServer,
      KubernetesClient client,
      String kubeConfigYaml,
      Path kubeConfigFile,
      NodeDaemons daemons) {
    this.apiServer = apiServer;
    this.client = client;
    this.kubeConfigYaml = kubeConfigYaml;
    this.kubeConfigFile = kubeConfigFile;
    this.daemons = daemons;
  }

  /** The test bed, started on first call; a failed start fails every later call the same way. */
  public static synchronized TestBed get() {
    if (startFailure != null) {
      throw new IllegalStateException("the test bed failed to start earlier", startFailure);
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    return instance;
  }

  private static TestBed start() {
    long started = System.nanoTime();
    SessionLock.acquire();
    HackScripts hack = HackScripts.locate();
    String kubeVersion = System.getProperty("kube.version", "1.34.4");
    int nodeCount = Integer.getInteger("testbed.nodes", 3);
    List<String> engines = engines(nodeCount);

    Path binaries = KubeBinaries.dir(kubeVersion);
    if (!KubeBinaries.complete(binaries)) {
      log.info(
          "kube-apiserver/etcd/kubectl {} missing in {}: building them", kubeVersion, binaries);
      hack.run(Duration.ofMinutes(60), "install-kube-binaries.sh");
    }

    // The daemons come up while the API server starts.
    CompletableFuture<NodeDaemons> nodes =
        CompletableFuture.supplyAsync(
            () -> {
              NodeDaemons ready = NodeDaemons.start(hack, engines);
              Runtime.getRuntime().addShutdownHook(new Thread(ready::close, "testbed-nodes-stop"));
              return ready;
            });

    KubeAPIServer apiServer =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(kubeVersion)
                .withOfflineMode(true)
                // Leave ~/.kube/config alone; tests get the kubeconfig from us.
                .withUpdateKubeConfig(false)
                .withStartupTimeout((int) Duration.ofMinutes(3).toMillis())
                .build());
    Runtime.getRuntime().addShutdownHook(new Thread(apiServer::stop, "testbed-apiserver-stop"));
    apiServer.start();
    String kubeConfigYaml = apiServer.getKubeConfigYaml();
    Config adminConfig = Config.fromKubeconfig(kubeConfigYaml);
    // A collection delete of hundreds of objects with finalizers (one update each, through the
    // chart's admission policy) can outlast fabric8's 10 s default on a busy two-core machine.
    adminConfig.setRequestTimeout((int) Duration.ofSeconds(60).toMillis());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(adminConfig).build();
    Path kubeConfigFile = writeKubeConfig(kubeConfigYaml);

    NodeDaemons daemons;
    try {
      daemons = nodes.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }

    TestBed bed = new TestBed(apiServer, client, kubeConfigYaml, kubeConfigFile, daemons);
    bed.ensureNodeObjects();
    bed.logVersions(binaries);
    log.info(
        "test bed ready in {} s: API server {}, nodes {}",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
        client.getMasterUrl(),
        daemons.nodes().keySet());
    return bed;
  }

  /** The Engine of each of {@code count} nodes: {@code testbed.engines}, repeated as needed. */
  private static List<String> engines(int count) {
    List<String> listed =
        List.of(System.getProperty("testbed.engines", DEFAULT_ENGINES).split(",")).stream()
            .map(String::strip)
            .filter(e -> !e.isEmpty())
            .toList();
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> listed.get(i % listed.size()))
        .toList();
  }

  /**
   * The first node of each distinct Engine, in node order: with the default mix node-a (20.10),
   * node-b (28.5.2 refusing API below 1.44) and node-c (26.1.5). A test that acts on a single node
   * does it on each of these, so it runs against every Engine of the run.
   */
  public List<String> onePerEngine() {
    Map<String, String> first = new LinkedHashMap<>();
    daemons.nodes().values().forEach(n -> first.putIfAbsent(n.engine(), n.name()));
    return List.copyOf(first.values());
  }

  /** A client for the API server, with admin rights (owned by the test bed; do not close). */
  public KubernetesClient kubernetesClient() {
    return client;
  }

  /** The kubeconfig of the API server, for processes started by tests. */
  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  /** {@link #kubeConfigYaml()} written to {@code target/testbed/kubeconfig} (for KUBECONFIG). */
  public Path kubeConfigFile() {
    return kubeConfigFile;
  }

  /** The simulated nodes, by name (node-a, node-b, ...), in order. */
  public Map<String, TestNode> nodes() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(daemons.nodes()));
  }

  /** The node names in order. */
  public List<String> nodeNames() {
    return List.copyOf(daemons.nodes().keySet());
  }

  /** One node; throws if there is no such node. */
  public TestNode node(String name) {
    TestNode node = daemons.nodes().get(name);
    if (node == null) {
      throw new IllegalArgumentException(
          "no test bed node " + name + " (have " + nodeNames() + ")");
    }
    return node;
  }

  /** A docker-java client per node name (owned by the test bed; do not close). */
  public Map<String, DockerClient> dockerClients() {
    return daemons.nodes().values().stream()
        .collect(
            Collectors.toMap(TestNode::name, TestNode::docker, (a, b) -> a, LinkedHashMap::new));
  }

  /** The Docker socket per node name. */
  public Map<String, Path> dockerSockets() {
    return daemons.nodes().values().stream()
        .collect(
            Collectors.toMap(TestNode::name, TestNode::socket, (a, b) -> a, LinkedHashMap::new));
  }

  /**
   * Removes all containers and all networks except bridge/host/none on every node daemon. Tests
   * call it before (or after) each test.
   */
  public void cleanDocker() {
    daemons.clean();
  }

  /**
   * Restarts one node's dockerd (namespace and data root kept, so its networks persist); returns
   * the node with a new client; earlier {@link TestNode#docker()} clients of it are closed.
   */
  public TestNode restartNodeDaemon(String name) {
    return daemons.restart(name);
  }

  /**
   * Restarts one node's dockerd on another Engine ({@code VERSION[:MIN_API]}), namespace and data
   * root kept: an Engine upgraded in place. Returns the node with a new client.
   */
  public TestNode restartNodeDaemonOn(String name, String engine) {
    return daemons.restartOn(name, engine);
  }

  /** Stops one node's dockerd (its namespace and data stay); see {@link #startNodeDaemon}. */
  public void stopNodeDaemon(String name) {
    daemons.stop(name);
  }

  /** Starts a daemon stopped by {@link #stopNodeDaemon}; returns the node with a new client. */
  public TestNode startNodeDaemon(String name) {
    return daemons.startAgain(name);
  }

  // Operator processes: a helper that starts one operator (agent) process per node belongs here,
  // e.g. startOperator(TestNode node), given NODE_NAME=node.name(), the node's
  // node.dockerHost() and KUBECONFIG=kubeConfigFile(); stopped from the shutdown hook like the
  // daemons.

  /**
   * Creates (or re-labels) a {@code Node} object per node daemon, labelled {@value #NODE_LABEL} and
   * reported Ready, as a kubelet would; no kubelet runs. Safe to call again, e.g. after a test
   * deleted one.
   */
  public void ensureNodeObjects() {
    for (TestNode node : daemons.nodes().values()) {
      Node object =
          new NodeBuilder()
              .withNewMetadata()
              .withName(node.name())
              .addToLabels(NODE_LABEL, "true")
              .addToLabels("kubernetes.io/hostname", node.name())
              .addToLabels("kubernetes.io/os", "linux")
              .addToAnnotations("dockernet.io/testbed-docker-host", node.dockerHost().toString())
              .endMetadata()
              .build();
      client
          .nodes()
          .resource(object)
          .fieldManager(FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      NodeCondition ready =
          new NodeConditionBuilder()
              .withType("Ready")
              .withStatus("True")
              .withReason("TestBedNode")
              .withMessage("simulated node; Docker at " + node.dockerHost())
              .withLastHeartbeatTime(now)
              .withLastTransitionTime(now)
              .build();
      client
          .nodes()
          .withName(node.name())
          .editStatus(
              n -> new NodeBuilder(n).editOrNewStatus().withConditions(ready).endStatus().build());
    }
  }

  private void logVersions(Path binaries) {
    log.info("kube-apiserver {}", client.getKubernetesVersion().getGitVersion());
    log.info("etcd {}", KubeBinaries.etcdVersion(binaries));
    for (TestNode node : daemons.nodes().values()) {
      Version version = node.docker().versionCmd().exec();
      log.info(
          "{}: Docker Engine {} (API {}, oldest accepted {}) at {}",
          node.name(),
          version.getVersion(),
          version.getApiVersion(),
          version.getRawValues().get("MinAPIVersion"),
          node.socket());
    }
  }

  private static Path writeKubeConfig(String yaml) {
    Path file = Path.of("target", "testbed", "kubeconfig").toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
    return file;
  }

  /**
   * The node daemons are machine-wide: one test JVM at a time uses them (another waits here), so
   * one run's cleanup never removes another run's networks.
   */
  private static final class SessionLock {
    private static FileLock lock;

    static void acquire() {
      Path file =
          Path.of(System.getProperty("testbed.lockFile", "/run/dockernet-testbed.session.lock"));
      Duration timeout = Duration.ofMinutes(Long.getLong("testbed.lockTimeoutMinutes", 30));
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        FileChannel channel =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        boolean warned = false;
        while ((lock = channel.tryLock()) == null) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "another test bed session held " + file + " for more than " + timeout);
          }
          if (!warned) {
            log.info("another test JVM uses the test bed ({} is locked); waiting", file);
            warned = true;
          }
          Thread.sleep(1000);
        }
        // The lock dies with the JVM; no release needed.
      } catch (IOException e) {
        throw new IllegalStateException("cannot lock " + file, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + file, e);
      }
    }
  }
}
