package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.KubernetesClients;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.testbed.RunningOperators;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;

/**
 * The agent reconcilers' fast loop: one agent, for node {@value #NODE}, in the test JVM, against a
 * real API server (kube-api-test's kube-apiserver and etcd, no root, no Docker: server-side apply,
 * finalizers, resourceVersions and watches as users meet them) and a {@link FakeDockerGateway} as
 * its Docker daemon. One API server per test JVM, started on first use; every test gets a fresh
 * fake and agent, and leaves no object behind.
 */
public final class AgentOnFakeDocker implements AutoCloseable {

  public static final String NODE = "node-a";

  /** Far longer than a pass on the fake takes, for a loaded machine. */
  public static final Duration SOON = Duration.ofSeconds(20);

  private static KubernetesClient kube;

  private final FakeDockerGateway docker;
  private final KubernetesClient agentClient;
  private final DockernetOperator agent;
  private final NodePolicy policy;

  private AgentOnFakeDocker(Duration driftCheckInterval, KubernetesClient agentClient) {
    this(
        new FakeDockerGateway(), RunningOperators.TEST_BED_POLICY, driftCheckInterval, agentClient);
  }

  private AgentOnFakeDocker(
      FakeDockerGateway docker,
      NodePolicy policy,
      Duration driftCheckInterval,
      KubernetesClient agentClient) {
    this.docker = docker;
    this.policy = policy;
    this.agentClient = agentClient;
    OperatorConfig config =
        new OperatorConfig(
                EnumSet.of(Role.AGENT),
                NODE,
                // Never dialled for work: every Docker call goes to the fake.
                URI.create("unix:///nonexistent/docker.sock"),
                0,
                "default",
                policy)
            .withDriftCheckInterval(driftCheckInterval);
    try {
      agent = DockernetOperator.start(config, agentClient, real -> docker);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts an agent on a fresh fake daemon (and the shared API server on first use). */
  public static AgentOnFakeDocker start() {
    return new AgentOnFakeDocker(DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL, kube());
  }

  /**
   * Starts an agent whose requests to the API server go through {@code interceptor} first (which
   * may hold one back, to put a change of the test's between a pass's writes).
   */
  public static AgentOnFakeDocker startThrough(Interceptor interceptor) {
    KubernetesClient client =
        KubernetesClients.builder()
            .withConfig(kube().getConfiguration())
            .withHttpClientBuilderConsumer(
                builder -> builder.addOrReplaceInterceptor("test", interceptor))
            .build();
    return new AgentOnFakeDocker(DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL, client);
  }

  /** Starts an agent that looks over its daemon every {@code driftCheckInterval}. */
  public static AgentOnFakeDocker start(Duration driftCheckInterval) {
    return new AgentOnFakeDocker(driftCheckInterval, kube());
  }

  /**
   * Stops this agent once it has named its rules on the heartbeat Lease (it has passed over every
   * object), leaving every object, report and finalizer in place, lets {@code meanwhile} change the
   * daemon, and starts another agent on the same daemon under {@code policy}, as a rolling update
   * would. Close the new one, not this.
   */
  public AgentOnFakeDocker restarted(NodePolicy policy, Runnable meanwhile) {
    await().atMost(SOON).until(() -> PassRules.of(this.policy).sameAsBefore(kube, "default", NODE));
    agent.close();
    meanwhile.run();
    return new AgentOnFakeDocker(
        docker, policy, DockerEventHub.DEFAULT_DRIFT_CHECK_INTERVAL, agentClient);
  }

  /** The API server's admin client, shared by the tests of this JVM. */
  public static synchronized KubernetesClient kube() {
    if (kube == null) {
      KubeAPIServer apiServer =
          new KubeAPIServer(
              KubeAPIServerConfigBuilder.anAPIServerConfig()
                  .withApiServerVersion(System.getProperty("kube.version", "1.34.4"))
                  .withOfflineMode(true)
                  .withUpdateKubeConfig(false)
                  .build());
      Runtime.getRuntime().addShutdownHook(new Thread(apiServer::stop, "fast-apiserver-stop"));
      apiServer.start();
      kube =
          KubernetesClients.builder()
              .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
              .build();
      RunningOperators.installCrds(kube);
      kube.resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(NODE)
                  .withLabels(Map.of("kubernetes.io/hostname", NODE))
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
    return kube;
  }

  public FakeDockerGateway docker() {
    return docker;
  }

  public DockernetOperator agent() {
    return agent;
  }

  /** Waits until this node's report on {@code parent} is in {@code phase}; returns it. */
  public <S extends NodeReport, R extends CustomResource<Void, S>> S awaitReport(
      Class<R> type, String parent, Phase phase) {
    await()
        .atMost(SOON)
        .untilAsserted(
            () ->
                assertThat(report(type, parent))
                    .hasValueSatisfying(r -> assertThat(r.phase).isEqualTo(phase)));
    return report(type, parent).orElseThrow();
  }

  /** This node's report on {@code parent}, if it has one. */
  public <S extends NodeReport, R extends CustomResource<Void, S>> Optional<S> report(
      Class<R> type, String parent) {
    return Optional.ofNullable(
            kube.resources(type).withName(ReportStore.nameFor(parent, NODE)).get())
        .map(CustomResource::getStatus);
  }

  /** Deletes every object while the agent still runs (it holds their finalizers), then stops. */
  @Override
  public void close() {
    try {
      docker.setAvailable(true);
      kube.resources(ContainerAttachment.class).delete();
      kube.resources(DockerNetwork.class).delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  kube.resources(ContainerAttachment.class).list().getItems().isEmpty()
                      && kube.resources(DockerNetwork.class).list().getItems().isEmpty());
    } finally {
      agent.close();
      if (agentClient != kube) {
        agentClient.close();
      }
    }
  }
}
