package io.dockernet.operator.fault;

import static org.awaitility.Awaitility.await;

import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged operator ({@code target/dockernet-operator.jar}) as its own OS process, as a pod
 * runs it: an agent (NODE_NAME, DOCKER_HOST, KUBECONFIG from the environment) that a test can
 * SIGKILL, or a controller that, like a Deployment's pod, is started again when it exits (it exits
 * on purpose when it loses its leader lease, which in the test JVM would end the test run).
 */
final class OperatorProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorProcess.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final ProcessBuilder builder;
  private final int port;
  private final Path log;
  private volatile Process process;
  private volatile boolean restarts;
  private volatile boolean closed;

  private OperatorProcess(ProcessBuilder builder, int port, Path log) {
    this.builder = builder;
    this.port = port;
    this.log = log;
  }

  /** The packaged jar; exists from Maven's package phase on (so in integration-test). */
  static Path jar() {
    Path jar = Path.of("target", "dockernet-operator.jar").toAbsolutePath();
    Assumptions.assumeTrue(
        Files.isRegularFile(jar) && Files.isDirectory(jar.resolveSibling("lib")),
        jar + " (and target/lib) missing: run through `mvn verify`, after the package phase");
    return jar;
  }

  /**
   * Starts the agent of {@code node} as the pod {@code podName}, its Leases in {@code
   * releaseNamespace}, with a fault point armed from {@code faultControl} (null: none).
   */
  static OperatorProcess agent(
      TestNode node,
      Path kubeConfig,
      Path log,
      Path faultControl,
      String podName,
      String releaseNamespace) {
    OperatorProcess agent = prepare("agent", node.name(), kubeConfig, log, faultControl != null);
    if (faultControl != null) {
      agent.builder.environment().put("FAULT_CONTROL", faultControl.toString());
    }
    agent.builder.environment().put("NODE_NAME", node.name());
    // As RunningOperators.TEST_BED_POLICY: these tests attach containers that did not opt in.
    agent.builder.environment().put("DOCKERNET_ATTACHMENT_POLICY", "Open");
    agent.builder.environment().put("DOCKERNET_ALLOW_DEFAULT_BRIDGE", "true");
    // As a restarted container of the same pod: it takes the node's Lease back at once.
    agent.builder.environment().put("POD_NAME", podName);
    agent.builder.environment().put("POD_NAMESPACE", releaseNamespace);
    agent.builder.environment().put("DOCKER_HOST", node.dockerHost().toString());
    agent.launch();
    agent.awaitReady(Duration.ofSeconds(90));
    return agent;
  }

  /**
   * Starts the controller (leader-election Lease in {@code leaseNamespace}); restarts it whenever
   * it exits until closed. Returns once it answers /readyz with 200.
   */
  static OperatorProcess controller(Path kubeConfig, String leaseNamespace, Path log) {
    OperatorProcess controller = prepare("controller", null, kubeConfig, log, false);
    controller.builder.environment().put("POD_NAMESPACE", leaseNamespace);
    controller.restarts = true;
    controller.launch();
    controller.restartOnExit();
    controller.awaitReady(Duration.ofSeconds(90));
    return controller;
  }

  /**
   * @param node the agent's node (null for the controller)
   */
  private static OperatorProcess prepare(
      String role, String node, Path kubeConfig, Path log, boolean withFaultPoints) {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Quick start on two cores; the operator's own defaults are for a pod.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
    String user = chartUser(role, kubeConfig);
    if (user != null) {
      command.add("-D" + Config.KUBERNETES_IMPERSONATE_USERNAME + "=" + user);
    }
    // An agent acting as the chart's ServiceAccount carries its node, as its pod's token would:
    // only FaultyAgent can add that to the client (no system property or kubeconfig field does).
    boolean nodeClaim = user != null && node != null;
    if (nodeClaim) {
      command.add("-D" + FaultyAgent.NODE_CLAIM_PROPERTY + "=" + node);
    }
    if (withFaultPoints || nodeClaim) {
      // The shipped jar and its libraries, plus the test classes for the fault point.
      String classPath =
          String.join(
              java.io.File.pathSeparator,
              jar().toString(),
              jar().resolveSibling("lib").resolve("*").toString(),
              Path.of("target", "test-classes").toAbsolutePath().toString());
      command.addAll(List.of("-cp", classPath, FaultyAgent.class.getName(), "--role=" + role));
    } else {
      command.addAll(List.of("-jar", jar().toString(), "--role=" + role));
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_") || k.startsWith("KUBE"));
    pb.environment().put("HTTP_PORT", String.valueOf(port));
    pb.environment().put("KUBECONFIG", kubeConfig.toString());
    try {
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new OperatorProcess(pb, port, log);
  }

  /** The role's chart ServiceAccount user when the roles act as the chart's accounts, else null. */
  private static String chartUser(String role, Path kubeConfig) {
    if (!RunningOperators.impersonating()) {
      return null;
    }
    try (KubernetesClient admin = RunningOperators.clientFor(Files.readString(kubeConfig))) {
      ServiceAccounts accounts = RunningOperators.chartAccountsIfImpersonating(admin);
      return accounts.username(role.equals("agent") ? accounts.agent() : accounts.controller());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() {
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void restartOnExit() {
    process
        .onExit()
        .thenRun(
            () -> {
              if (!closed) {
                LOG.warn(
                    "controller exited with {}; starting it again (see {})",
                    process.exitValue(),
                    log);
                launch();
                restartOnExit();
              }
            });
  }

  void awaitReady(Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive() && (closed || !restarts)) {
                throw new AssertionError("exited with " + process.exitValue() + "; see " + log);
              }
              return status("/readyz") == 200;
            });
  }

  /** HTTP status of a probe, or -1 when nothing answers. */
  int status(String path) {
    return status(port, path);
  }

  /** HTTP status of {@code path} on a local port, or -1 when nothing answers. */
  static int status(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, as the kernel's OOM killer or a node crash would; returns the exit status (137). */
  int kill() {
    process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no cleanup
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("agent " + process.pid() + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
