package io.dockernet.operator.fault;

import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.testbed.ChartRbac;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Agents in the test JVM, each with its own client for any API server endpoint (the test bed's, a
 * restartable second API server, or a proxy that can cut a node off). Unlike {@link
 * io.dockernet.operator.testbed.RunningOperators}, the endpoint is the test's choice; the
 * controller runs as its own process ({@link FaultSupport#startController}).
 */
final class InJvmRoles implements AutoCloseable {

  private final String releaseNamespace;
  private final Map<String, DockernetOperator> agents = new LinkedHashMap<>();
  private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
  private ServiceAccounts accounts;

  /**
   * @param releaseNamespace where the agents keep their heartbeat Leases: the controller's {@link
   *     FaultSupport#releaseNamespace}
   */
  InJvmRoles(String releaseNamespace) {
    this.releaseNamespace = releaseNamespace;
  }

  /** Starts an agent for {@code node} against {@code dockerHost}, talking to {@code kubeConfig}. */
  DockernetOperator startAgent(String node, URI dockerHost, String kubeConfig) {
    return startAgent(
        node, dockerHost, kubeConfig, d -> d, DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL);
  }

  /**
   * As above, with the agent's Docker calls and event stream passed through {@code decorate} and
   * the given drift check period.
   */
  DockernetOperator startAgent(
      String node,
      URI dockerHost,
      String kubeConfig,
      UnaryOperator<DockerGateway> decorate,
      Duration driftCheck) {
    stop(node);
    KubernetesClient client = client(kubeConfig);
    String agentUser = agentUser(client);
    if (agentUser != null) {
      client.close();
      client = ChartRbac.impersonating(kubeConfig, agentUser, ChartRbac.onNode(node));
    }
    clients.put(node, client);
    DockernetOperator agent =
        run(
            new OperatorConfig(
                    EnumSet.of(Role.AGENT),
                    node,
                    dockerHost,
                    0,
                    releaseNamespace,
                    RunningOperators.TEST_BED_POLICY)
                .withDriftCheckInterval(driftCheck),
            client,
            decorate);
    agents.put(node, agent);
    return agent;
  }

  DockernetOperator get(String node) {
    return agents.get(node);
  }

  void stop(String node) {
    DockernetOperator op = agents.remove(node);
    if (op != null) {
      op.close();
    }
    KubernetesClient client = clients.remove(node);
    if (client != null) {
      client.close();
    }
  }

  /** The agent's ServiceAccount user when the roles act as the chart's accounts, else null. */
  private String agentUser(KubernetesClient admin) {
    if (!RunningOperators.impersonating()) {
      return null;
    }
    if (accounts == null) {
      accounts = RunningOperators.chartAccountsIfImpersonating(admin);
    }
    return accounts.username(accounts.agent());
  }

  static KubernetesClient client(String kubeConfig) {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfig)).build();
  }

  private static DockernetOperator run(
      OperatorConfig config, KubernetesClient client, UnaryOperator<DockerGateway> decorate) {
    try {
      return DockernetOperator.start(config, client, decorate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    List.copyOf(agents.keySet()).forEach(this::stop);
  }
}
