package io.dockernet.operator.testbed;

import static org.awaitility.Awaitility.await;

import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.KubernetesClients;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerGateway;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The operator as it runs in a cluster, inside the test JVM: one agent per node (each with its own
 * Kubernetes client, NODE_NAME and Docker socket, like one DaemonSet pod per node) and one
 * controller. Installs the checked-in CRDs first.
 *
 * <p>{@link #agentsOnly} starts no controller: a test starts the agents it wants, each on the API
 * server endpoint of its choice (a restartable second API server, a proxy that can cut a node off)
 * and with its Docker gateway wrapped if it likes.
 *
 * <p>With {@link #startWithServiceAccounts} (or {@code -Dtestbed.impersonate=true} for every {@link
 * #start}), each role acts only with its Helm chart ServiceAccount's permissions, through
 * impersonation: what the chart's RBAC does not grant fails as it would in a cluster.
 */
public final class RunningOperators implements AutoCloseable {

  /**
   * The ServiceAccounts the roles act as (namespace also holds the controller's Lease).
   *
   * @param namespace the chart's release namespace
   * @param agent the agent role's ServiceAccount
   * @param controller the controller role's ServiceAccount
   */
  public record ServiceAccounts(String namespace, String agent, String controller) {

    /** The user name the API server gives a ServiceAccount. */
    public String username(String serviceAccount) {
      return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }
  }

  /**
   * The node policy of the test bed's agents unless a test passes its own: the chart's defaults but
   * for attachments, which are Open with Docker's default bridge allowed. The tests written before
   * the attachment policy attach containers that carry no opt-in label, some to the default bridge;
   * AttachmentPolicyIT runs the chart's defaults.
   */
  public static final NodePolicy TEST_BED_POLICY =
      NodePolicy.DEFAULTS.withAttachments(NodePolicy.AttachmentMode.Open, true);

  private final TestBed bed;
  private final ServiceAccounts accounts;
  private final String releaseNamespace;
  private final Map<String, DockernetOperator> agents = new LinkedHashMap<>();
  private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
  private DockernetOperator controller;
  private KubernetesClient controllerClient;

  private RunningOperators(TestBed bed, ServiceAccounts accounts, String releaseNamespace) {
    this.bed = bed;
    this.accounts = accounts;
    this.releaseNamespace = releaseNamespace;
  }

  /**
   * Installs the CRDs and starts the controller and an agent on every node of the bed, with admin
   * rights, or as the chart's ServiceAccounts when {@code -Dtestbed.impersonate=true}.
   */
  public static RunningOperators start(TestBed bed) {
    return start(bed, chartAccountsIfImpersonating(bed.kubernetesClient()));
  }

  /** Whether the roles act only as the chart's ServiceAccounts ({@code -Dtestbed.impersonate}). */
  public static boolean impersonating() {
    return Boolean.getBoolean("testbed.impersonate");
  }

  /**
   * With {@code -Dtestbed.impersonate=true}: the chart's ServiceAccounts, installed with its RBAC
   * through {@code admin}, for a role's client to act as; otherwise null (admin rights).
   */
  public static ServiceAccounts chartAccountsIfImpersonating(KubernetesClient admin) {
    return impersonating() ? ChartRbac.install(admin) : null;
  }

  /**
   * Like {@link #start}, but each role acts only as its ServiceAccount (see {@link
   * ChartRbac#install}, which creates them with the chart's RBAC).
   */
  public static RunningOperators startWithServiceAccounts(TestBed bed, ServiceAccounts accounts) {
    return start(bed, accounts);
  }

  private static RunningOperators start(TestBed bed, ServiceAccounts accounts) {
    installCrds(bed.kubernetesClient());
    RunningOperators ops =
        new RunningOperators(bed, accounts, accounts == null ? "default" : accounts.namespace());
    ops.controllerClient = ops.newClient(accounts == null ? null : accounts.controller());
    ops.controller =
        run(
            new OperatorConfig(EnumSet.of(Role.CONTROLLER), null, null, 0, ops.releaseNamespace()),
            ops.controllerClient,
            UnaryOperator.identity());
    bed.nodeNames().forEach(ops::startAgent);
    return ops;
  }

  /**
   * No role started yet: agents the test starts, with their heartbeat Leases in {@code
   * releaseNamespace} (where the test's controller looks), as the chart's ServiceAccounts when
   * {@code -Dtestbed.impersonate=true}.
   */
  public static RunningOperators agentsOnly(TestBed bed, String releaseNamespace) {
    return new RunningOperators(
        bed, chartAccountsIfImpersonating(bed.kubernetesClient()), releaseNamespace);
  }

  /** Applies every CRD in the chart's crds/ and waits until the API server serves them. */
  public static void installCrds(KubernetesClient client) {
    Path crds = HackScripts.locate().repoRoot().resolve("helm/dockernet-operator/crds");
    List<Path> files;
    try (Stream<Path> list = Files.list(crds)) {
      files = list.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
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

  /**
   * Where the controller's leader Lease and the agents' heartbeat Leases live (POD_NAMESPACE of the
   * chart's pods): the chart's release namespace, or "default" with admin rights.
   */
  public String releaseNamespace() {
    return releaseNamespace;
  }

  /** Starts (or restarts) the agent of one node. */
  public DockernetOperator startAgent(String node) {
    return startAgent(node, bed.node(node).dockerHost());
  }

  /** Starts (or restarts) the agent of a node whose Docker daemon is at {@code dockerHost}. */
  public DockernetOperator startAgent(String node, URI dockerHost) {
    return startAgent(node, dockerHost, TEST_BED_POLICY);
  }

  /** Starts (or restarts) the agent of one node under the given node policy (chart nodeGuard). */
  public DockernetOperator startAgent(String node, NodePolicy policy) {
    return startAgent(node, bed.node(node).dockerHost(), policy);
  }

  private DockernetOperator startAgent(String node, URI dockerHost, NodePolicy policy) {
    return startAgent(
        node,
        dockerHost,
        bed.kubeConfigYaml(),
        policy,
        UnaryOperator.identity(),
        DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL);
  }

  /** Starts (or restarts) the agent of a node, talking to the API server of {@code kubeConfig}. */
  public DockernetOperator startAgent(String node, URI dockerHost, String kubeConfig) {
    return startAgent(
        node,
        dockerHost,
        kubeConfig,
        UnaryOperator.identity(),
        DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL);
  }

  /**
   * As above, with the agent's Docker calls and event stream passed through {@code decorate} and
   * the given drift check period.
   */
  public DockernetOperator startAgent(
      String node,
      URI dockerHost,
      String kubeConfig,
      UnaryOperator<DockerGateway> decorate,
      Duration driftCheck) {
    return startAgent(node, dockerHost, kubeConfig, TEST_BED_POLICY, decorate, driftCheck);
  }

  private DockernetOperator startAgent(
      String node,
      URI dockerHost,
      String kubeConfig,
      NodePolicy policy,
      UnaryOperator<DockerGateway> decorate,
      Duration driftCheck) {
    stopAgent(node);
    KubernetesClient client =
        accounts == null
            ? clientFor(kubeConfig)
            // As the pod-bound token of the agent's pod on this node would.
            : ChartRbac.asAgentOn(kubeConfig, accounts, node);
    clients.put(node, client);
    DockernetOperator agent =
        run(
            new OperatorConfig(
                    EnumSet.of(Role.AGENT), node, dockerHost, 0, releaseNamespace, policy)
                .withDriftCheckInterval(driftCheck),
            client,
            decorate);
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

  /** The identities the roles act as, or null when they run with admin rights. */
  public ServiceAccounts serviceAccounts() {
    return accounts;
  }

  /** A client with the credentials of a kubeconfig (the test bed's admin, or a test's copy). */
  public static KubernetesClient clientFor(String kubeConfigYaml) {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfigYaml)).build();
  }

  /** A client with the test bed's admin credentials, acting as the ServiceAccount if one given. */
  private KubernetesClient newClient(String serviceAccount) {
    Config config = Config.fromKubeconfig(bed.kubeConfigYaml());
    if (serviceAccount != null) {
      config.setImpersonateUsername(accounts.username(serviceAccount));
    }
    return KubernetesClients.builder().withConfig(config).build();
  }

  /** Starts an instance (which retries a start whose first informer connections were dropped). */
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
    List.copyOf(agents.keySet()).forEach(this::stopAgent);
    if (controller != null) {
      controller.close();
      controllerClient.close();
    }
  }
}
