package io.dockernet.operator.testbed;

import static org.awaitility.Awaitility.await;

import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The operator as it runs in a cluster, inside the test JVM: one agent per node (each with its own
 * Kubernetes client, NODE_NAME and Docker socket, like one DaemonSet pod per node) and one
 * controller. Installs the checked-in CRDs first.
 */
public final class RunningOperators implements AutoCloseable {

  private final TestBed bed;
  private final Map<String, DockernetOperator> agents = new LinkedHashMap<>();
  private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
  private DockernetOperator controller;
  private KubernetesClient controllerClient;

  private RunningOperators(TestBed bed) {
    this.bed = bed;
  }

  /** Installs the CRDs and starts the controller and an agent on every node of the bed. */
  public static RunningOperators start(TestBed bed) {
    installCrds(bed.kubernetesClient());
    RunningOperators ops = new RunningOperators(bed);
    ops.controllerClient = ops.newClient();
    ops.controller =
        run(
            new OperatorConfig(EnumSet.of(Role.CONTROLLER), null, null, 0, "default"),
            ops.controllerClient);
    bed.nodeNames().forEach(ops::startAgent);
    return ops;
  }

  /** Applies every CRD in the repository's crds/ and waits until the API server serves them. */
  public static void installCrds(KubernetesClient client) {
    Path crds = HackScripts.locate().repoRoot().resolve("crds");
    List<Path> files;
    try (Stream<Path> list = Files.list(crds)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.resource(crd).fieldManager("dockernet-testbed").forceConflicts().serverSideApply();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  var live = client.resource(crd).get();
                  return live != null
                      && live.getStatus() != null
                      && live.getStatus().getConditions().stream()
                          .anyMatch(
                              c ->
                                  "Established".equals(c.getType())
                                      && "True".equals(c.getStatus()));
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Starts (or restarts) the agent of one node. */
  public DockernetOperator startAgent(String node) {
    stopAgent(node);
    KubernetesClient client = newClient();
    clients.put(node, client);
    DockernetOperator agent =
        run(
            new OperatorConfig(
                EnumSet.of(Role.AGENT), node, bed.node(node).dockerHost(), 0, "default"),
            client);
    agents.put(node, agent);
    return agent;
  }

  /** Stops one node's agent, as if its pod went away. */
  public void stopAgent(String node) {
    DockernetOperator agent = agents.remove(node);
    if (agent != null) {
      agent.close();
    }
    KubernetesClient client = clients.remove(node);
    if (client != null) {
      client.close();
    }
  }

  public DockernetOperator agent(String node) {
    return agents.get(node);
  }

  public Map<String, DockernetOperator> agents() {
    return agents;
  }

  public DockernetOperator controller() {
    return controller;
  }

  private KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(bed.kubeConfigYaml()))
        .build();
  }

  private static DockernetOperator run(OperatorConfig config, KubernetesClient client) {
    try {
      return DockernetOperator.start(config, client);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    List.copyOf(agents.keySet()).forEach(this::stopAgent);
    if (controller != null) {
      controller.close();
      controllerClient.close();
    }
  }
}
