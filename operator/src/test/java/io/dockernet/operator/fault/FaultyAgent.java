package io.dockernet.operator.fault;

import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.KubernetesClients;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.docker.DelegatingGateway;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.FaultPoint;
import io.dockernet.operator.docker.FaultPoint.Fault;
import io.dockernet.operator.testbed.ChartRbac;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The agent as a pod runs it ({@link io.dockernet.operator.Main}), with the node claim of its
 * pod-bound token when it impersonates the chart's ServiceAccount, and, given a control file
 * ({@code FAULT_CONTROL}), a fault point armed from it: a line {@code <id> <fault> <k> <die>
 * [<joiner>]} arms {@link FaultPoint} at the k-th Docker write from then on, where {@code die} is
 * {@code kill} (SIGKILL: the process halts at once) or {@code term} (SIGTERM to itself: shutdown
 * hooks run and the reconciliation under way may finish), and {@code joiner} is the container that
 * joins the network before a remove. A new id re-arms. When the fault hits, the file {@code
 * <control>.fired} says {@code <id> <where>}. Fault tests run it with {@link OperatorProcess}.
 */
public final class FaultyAgent {

  private FaultyAgent() {}

  /**
   * System property naming the node whose pod-bound token the agent's client impersonates (with
   * {@code kubernetes.impersonate.username}): the user-info extra the chart's node-scope policies
   * read. fabric8 takes no extras from system properties or a kubeconfig.
   */
  static final String NODE_CLAIM_PROPERTY = "testbed.impersonate.node";

  public static void main(String[] args) throws Exception {
    OperatorConfig config = OperatorConfig.from(System.getenv(), args);
    String controlFile = System.getenv("FAULT_CONTROL");
    KubernetesClient client = client();
    DockernetOperator operator =
        controlFile == null
            ? DockernetOperator.start(config, client)
            : DockernetOperator.start(
                config, client, docker -> new Armed(docker, Path.of(controlFile)));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  /** The client as Main builds it, plus the node claim of {@link #NODE_CLAIM_PROPERTY}. */
  private static KubernetesClient client() {
    Config config = Config.autoConfigure(null);
    String node = System.getProperty(NODE_CLAIM_PROPERTY);
    if (node != null) {
      config.setImpersonateExtras(ChartRbac.onNode(node));
    }
    return KubernetesClients.builder().withConfig(config).build();
  }

  /** The gateway with whatever fault point the control file arms now. */
  static final class Armed extends DelegatingGateway {
    private final DockerGateway docker;
    private final Path control;
    private String armedLine = "";
    private DockerGateway current;

    Armed(DockerGateway docker, Path control) {
      this.docker = docker;
      this.control = control;
      this.current = docker;
    }

    @Override
    protected synchronized DockerGateway delegate() {
      String line = read();
      if (!line.equals(armedLine)) {
        armedLine = line;
        current = line.isBlank() ? docker : arm(line.trim().split("\\s+"));
        System.err.println("fault point armed: " + line);
      }
      return current;
    }

    private DockerGateway arm(String[] f) {
      String id = f[0];
      Fault fault = Fault.valueOf(f[1]);
      int at = Integer.parseInt(f[2]);
      String die = f[3];
      String joiner = f.length > 4 ? f[4] : null;
      return new FaultPoint(
              docker,
              at,
              fault,
              where -> {
                System.err.println("fault point: dying (" + die + ") " + where);
                System.err.flush();
                if (die.equals("kill")) {
                  Runtime.getRuntime().halt(137);
                }
                terminateSelf();
              },
              networkId ->
                  docker.connect(
                      networkId,
                      joiner,
                      new EndpointRequest(
                          null, null, List.of(), List.of("joiner"), List.of(), null, Map.of())))
          .onFire(where -> fired(id, where));
    }

    /** Tells the test that the armed fault hit, and where (the control file + ".fired"). */
    private void fired(String id, String where) {
      try {
        Files.writeString(
            control.resolveSibling(control.getFileName() + ".fired"),
            id + " " + where,
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private String read() {
      try {
        return Files.exists(control) ? Files.readString(control, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return armedLine;
      }
    }

    private static void terminateSelf() {
      try {
        new ProcessBuilder("kill", "-TERM", String.valueOf(ProcessHandle.current().pid()))
            .start()
            .waitFor();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
