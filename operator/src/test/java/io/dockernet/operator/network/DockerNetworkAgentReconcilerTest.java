package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.AgentOnFakeDocker;
import io.dockernet.operator.node.NodeFinalizer;
import io.dockernet.operator.node.ReportStore;
import io.dockernet.operator.testbed.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourcesBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DockerNetwork agent reconciler in the fast loop: a real API server, a fake Docker daemon
 * ({@link AgentOnFakeDocker}). What the integration tests show on real daemons, here in seconds.
 */
class DockerNetworkAgentReconcilerTest {

  private final KubernetesClient kube = AgentOnFakeDocker.kube();
  private AgentOnFakeDocker node;

  @BeforeEach
  void startAgent() {
    node = AgentOnFakeDocker.start();
  }

  @AfterEach
  void stopAgent() {
    node.close();
  }

  @Test
  void aNewObjectGetsItsNetworkTheNodesFinalizerAndAReadyReport() {
    kube.resource(Fixtures.withBridge(Fixtures.network("fast-new", "198.18.30.0/24"), "fast1"))
        .create();

    NetworkReport report = awaitReport("fast-new", Phase.Ready);

    var network = node.docker().findNetwork("fast-new").orElseThrow();
    assertThat(report.networkId).isEqualTo(network.id());
    assertThat(network.bridge()).isEqualTo("fast1");
    assertThat(NetworkTestSupport.get(kube, "fast-new").getMetadata().getFinalizers())
        .contains(NodeFinalizer.of(AgentOnFakeDocker.NODE));
  }

  /** The Docker event of the network the pass created does not wake it for a second pass. */
  @Test
  void aNewObjectTakesOnePass() {
    kube.resource(Fixtures.network("fast-once", "198.18.43.0/24")).create();
    awaitReport("fast-once", Phase.Ready);

    await()
        .during(Duration.ofSeconds(2))
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> NetworkTestSupport.reconciles(node.agent().metrics()) == 1);
  }

  @Test
  void deletingTheObjectRemovesItsNetworkAndThenTheObject() {
    kube.resource(Fixtures.network("fast-gone", "198.18.31.0/24")).create();
    awaitReport("fast-gone", Phase.Ready);

    kube.resources(DockerNetwork.class).withName("fast-gone").delete();

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> NetworkTestSupport.find(kube, "fast-gone").isEmpty());
    assertThat(node.docker().findNetwork("fast-gone")).isEmpty();
    assertThat(report("fast-gone")).isEmpty();
  }

  @Test
  void aDaemonThatIsDownIsReportedAndTheNetworkFollowsWhenItIsBack() {
    node.docker().setAvailable(false);
    kube.resource(Fixtures.network("fast-down", "198.18.32.0/24")).create();

    NetworkReport down = awaitReport("fast-down", Phase.Error);
    assertThat(down.reason).isEqualTo("DockerUnavailable");

    node.docker().setAvailable(true);
    awaitReport("fast-down", Phase.Ready);
    assertThat(node.docker().findNetwork("fast-down")).isPresent();
  }

  /**
   * The API server can delete an object whose finalizer was added while the delete was under way
   * (kubernetes#77988), and admins clear finalizers of deletions that look stuck: either way the
   * object goes without this node's release. The agent finishes it once it sees the deletion.
   */
  @Test
  void aNetworkWhoseObjectWentWithoutTheNodesReleaseIsRemovedSoonAfter() {
    kube.resource(Fixtures.network("fast-stripped", "198.18.40.0/24")).create();
    awaitReport("fast-stripped", Phase.Ready);

    deleteWithoutTheNode("fast-stripped");

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .untilAsserted(
            () -> {
              assertThat(node.docker().findNetwork("fast-stripped")).isEmpty();
              assertThat(report("fast-stripped")).isEmpty();
            });
  }

  /**
   * On a cluster with a garbage collector, the report of an object gone without this node's release
   * goes too (it names its parent as owner): its network goes all the same.
   */
  @Test
  void aNetworkWhoseReportTheGarbageCollectorTookIsRemovedToo() {
    kube.resource(Fixtures.network("fast-collected", "198.18.45.0/24")).create();
    awaitReport("fast-collected", Phase.Ready);

    deleteWithoutTheNode("fast-collected");
    kube.resources(DockerNetworkNodeState.class)
        .withName(ReportStore.nameFor("fast-collected", AgentOnFakeDocker.NODE))
        .delete();

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> node.docker().findNetwork("fast-collected").isEmpty());
  }

  /**
   * Such a network with a container the operator does not manage on it stays, like on a release;
   * once the container has gone, the next look over the daemon removes it.
   */
  @Test
  void anUnmanagedContainerKeepsSuchANetworkUntilItLeaves() {
    node.close();
    node = AgentOnFakeDocker.start(Duration.ofSeconds(1));
    kube.resource(Fixtures.network("fast-held", "198.18.41.0/24")).create();
    awaitReport("fast-held", Phase.Ready);
    String admins = node.docker().addContainer("admins-app", "fast-held");

    deleteWithoutTheNode("fast-held");

    await()
        .during(Duration.ofSeconds(3))
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> report("fast-held").isPresent());
    assertThat(node.docker().findNetwork("fast-held"))
        .as("kept for the container the operator does not manage")
        .hasValueSatisfying(n -> assertThat(n.endpoints()).hasSize(1));
    node.docker()
        .disconnect(node.docker().findNetwork("fast-held").orElseThrow().id(), admins, true);
    await().atMost(AgentOnFakeDocker.SOON).until(() -> report("fast-held").isEmpty());
    assertThat(node.docker().findNetwork("fast-held")).isEmpty();
  }

  /**
   * The node's finalizer goes on beside the Docker work. An object deleted before it got there is
   * let go in the same pass: its network does not wait for a later look.
   */
  @Test
  void anObjectDeletedBeforeItsFinalizerLandedIsLetGoByThePassThatMadeItsNetwork()
      throws Exception {
    CountDownLatch deleted = new CountDownLatch(1);
    restartSeeing(
        request -> {
          if (request.method().equals("PATCH")
              && request.uri().getPath().endsWith("/dockernetworks/fast-midway")) {
            awaitUninterruptibly(deleted);
          }
        });
    kube.resource(Fixtures.network("fast-midway", "198.18.44.0/24")).create();
    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> node.docker().findNetwork("fast-midway").isPresent());

    kube.resources(DockerNetwork.class).withName("fast-midway").delete();
    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> NetworkTestSupport.find(kube, "fast-midway").isEmpty());
    deleted.countDown();

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> NetworkTestSupport.reconciles(node.agent().metrics()) == 1);
    assertThat(node.docker().findNetwork("fast-midway")).isEmpty();
    assertThat(report("fast-midway")).isEmpty();
  }

  /** A report is all status: the first one is a single request, not a create and a status write. */
  @Test
  void aFirstReportIsOneWrite() {
    AtomicInteger writes = new AtomicInteger();
    restartSeeing(
        request -> {
          if (!request.method().equals("GET")
              && request.uri().getPath().contains("/dockernetworknodestates/fast-one-write")) {
            writes.incrementAndGet();
          }
        });
    kube.resource(Fixtures.network("fast-one-write", "198.18.45.0/24")).create();

    awaitReport("fast-one-write", Phase.Ready);

    assertThat(writes).hasValue(1);
  }

  /**
   * CRDs of an earlier chart keep the reports' status subresource after an upgrade (Helm leaves
   * CRDs alone): the agent finds it in discovery and writes its reports through it. Dropped while
   * the agent runs (README, Upgrade), or put back by an earlier chart's CRDs, the agent follows the
   * CRD: every report is still written.
   */
  @Test
  void reportsAreWrittenWithTheStatusSubresourceWithoutItAndAsItGoesAndComesBack() {
    node.close();
    setStatusSubresource(true);
    try {
      node = AgentOnFakeDocker.start();
      createAndAwaitReported("fast-old-crd", "198.18.46.0/24");

      setStatusSubresource(false);
      createAndAwaitReported("fast-sub-off", "198.18.48.0/24");

      // Put back: a report written without it changes, and a new one is written.
      setStatusSubresource(true);
      String removed = awaitReport("fast-sub-off", Phase.Ready).networkId;
      node.docker().removeNetwork(removed);
      await()
          .atMost(AgentOnFakeDocker.SOON)
          .untilAsserted(
              () ->
                  assertThat(report("fast-sub-off"))
                      .hasValueSatisfying(
                          r ->
                              assertThat(r.networkId)
                                  .isNotEqualTo(removed)
                                  .isEqualTo(
                                      node.docker()
                                          .findNetwork("fast-sub-off")
                                          .orElseThrow()
                                          .id())));
      createAndAwaitReported("fast-sub-back", "198.18.49.0/24");
    } finally {
      setStatusSubresource(false);
    }
  }

  /** Creates a DockerNetwork and awaits a Ready report naming the network the node made. */
  private void createAndAwaitReported(String name, String subnet) {
    kube.resource(Fixtures.network(name, subnet)).create();

    NetworkReport report = awaitReport(name, Phase.Ready);

    assertThat(report.networkId).isEqualTo(node.docker().findNetwork(name).orElseThrow().id());
  }

  private void setStatusSubresource(boolean on) {
    String crd = HasMetadata.getFullResourceName(DockerNetworkNodeState.class);
    kube.apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd)
        .edit(
            c -> {
              c.getSpec()
                  .getVersions()
                  .forEach(
                      v ->
                          v.setSubresources(
                              on
                                  ? new CustomResourceSubresourcesBuilder()
                                      .withNewStatus()
                                      .endStatus()
                                      .build()
                                  : null));
              return c;
            });
    String status = HasMetadata.getPlural(DockerNetworkNodeState.class) + "/status";
    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(
            () ->
                kube
                        .getApiResources(HasMetadata.getApiVersion(DockerNetworkNodeState.class))
                        .getResources()
                        .stream()
                        .anyMatch(r -> status.equals(r.getName()))
                    == on);
  }

  /** Restarts the agent with {@code seen} shown each of its requests to the API server first. */
  private void restartSeeing(Consumer<HttpRequest> seen) {
    node.close();
    node =
        AgentOnFakeDocker.startThrough(
            new Interceptor() {
              @Override
              public void before(
                  BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
                seen.accept(request);
              }
            });
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void deleteWithoutTheNode(String name) {
    kube.resources(DockerNetwork.class)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    kube.resources(DockerNetwork.class).withName(name).delete();
  }

  @Test
  void aHandRemovedNetworkComesBack() {
    kube.resource(Fixtures.network("fast-drift", "198.18.33.0/24")).create();
    String first = awaitReport("fast-drift", Phase.Ready).networkId;

    node.docker().removeNetwork(first);

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .untilAsserted(
            () ->
                assertThat(node.docker().findNetwork("fast-drift"))
                    .hasValueSatisfying(n -> assertThat(n.id()).isNotEqualTo(first)));
    awaitReport("fast-drift", Phase.Ready);
  }

  private NetworkReport awaitReport(String name, Phase phase) {
    return node.awaitReport(DockerNetworkNodeState.class, name, phase);
  }

  private Optional<NetworkReport> report(String name) {
    return node.report(DockerNetworkNodeState.class, name);
  }
}
