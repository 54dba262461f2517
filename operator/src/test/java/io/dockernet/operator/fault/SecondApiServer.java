package io.dockernet.operator.fault;

import static org.awaitility.Awaitility.await;

import io.dockernet.operator.testbed.RunningOperators;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second kube-apiserver on the test bed's etcd, with the test bed's certificates and flags, on a
 * port of its own: an HA control plane's other replica. Tests point operators at it and restart it
 * at will.
 *
 * <p>Why not restart the test bed's own API server: kube-api-test's {@code KubeAPIServer} treats
 * any exit of its kube-apiserver or etcd process as fatal (its exit handler stops both and deletes
 * the etcd data), and {@code start()} after {@code stop()} comes back on a new random port with an
 * empty etcd, which would break every client other tests hold. A second replica on the same etcd
 * restarts like the real thing (same port, same storage) and leaves the shared one alone.
 */
final class SecondApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SecondApiServer.class);
  private static final Pattern SERVER = Pattern.compile("server: https://127\\.0\\.0\\.1:(\\d+)");

  private final List<String> command;
  private final int port;
  private final String kubeConfig;
  private final Path log;
  private Process process;

  private SecondApiServer(List<String> command, int port, String kubeConfig, Path log) {
    this.command = command;
    this.port = port;
    this.kubeConfig = kubeConfig;
    this.log = log;
  }

  /** Starts a replica of the API server that {@code bedKubeConfig} points at; waits until ready. */
  static SecondApiServer start(String bedKubeConfig, Path log) {
    Matcher m = SERVER.matcher(bedKubeConfig);
    if (!m.find()) {
      throw new IllegalStateException("no https://127.0.0.1:PORT server in the kubeconfig");
    }
    String bedPort = m.group(1);
    List<String> bedCommand = commandOf(bedPort);
    int port = freePort();
    List<String> command = new ArrayList<>(bedCommand);
    command.set(command.indexOf("--secure-port") + 1, String.valueOf(port));
    String kubeConfig =
        bedKubeConfig.replace("https://127.0.0.1:" + bedPort, "https://127.0.0.1:" + port);
    SecondApiServer server = new SecondApiServer(command, port, kubeConfig, log);
    server.startProcess();
    return server;
  }

  /** The kubeconfig of this replica (the test bed's credentials). */
  String kubeConfig() {
    return kubeConfig;
  }

  int port() {
    return port;
  }

  /** SIGKILL: no graceful shutdown, watches and requests of its clients break mid-flight. */
  void kill() {
    process.destroyForcibly();
    waitForExit();
    LOG.info("second API server on port {} killed", port);
  }

  /** Starts it again on the same port and storage; waits until it serves. */
  void restart() {
    startProcess();
  }

  private void startProcess() {
    try {
      Files.createDirectories(log.getParent());
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long started = System.nanoTime();
    try (KubernetesClient client = RunningOperators.clientFor(kubeConfig)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("kube-apiserver exited; see " + log);
                }
                return client.namespaces().withName("default").get() != null;
              });
    }
    LOG.info(
        "second API server ready on port {} in {} ms",
        port,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("kube-apiserver did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The command line of the kube-apiserver process serving {@code --secure-port PORT}. */
  private static List<String> commandOf(String port) {
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        List<String> args;
        try {
          args =
              Arrays.asList(
                  new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                      .split("\0"));
        } catch (IOException gone) {
          continue;
        }
        int i = args.indexOf("--secure-port");
        if (!args.isEmpty()
            && args.get(0).endsWith("kube-apiserver")
            && i >= 0
            && i + 1 < args.size()
            && args.get(i + 1).equals(port)) {
          return args;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no kube-apiserver process with --secure-port " + port);
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
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
