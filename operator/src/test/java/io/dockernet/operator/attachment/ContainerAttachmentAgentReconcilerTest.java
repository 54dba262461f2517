package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.attachment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.node.AgentOnFakeDocker;
import io.dockernet.operator.testbed.Fixtures;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ContainerAttachment agent reconciler in the fast loop: a real API server, a fake Docker
 * daemon ({@link AgentOnFakeDocker}). What the integration tests show on real daemons, in seconds.
 */
class ContainerAttachmentAgentReconcilerTest {

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
  void theContainerIsConnectedWithItsAddressAndTheReportSaysSo() {
    node.docker().addContainer("fast-app", "default");
    kube.resource(Fixtures.network("fast-net", "198.18.34.0/24")).create();
    kube.resource(attachment("fast-app-net", "fast-app", "fast-net", "198.18.34.10")).create();

    AttachmentReport report = awaitReport("fast-app-net", Phase.Ready);

    assertThat(endpoint("fast-app", "fast-net"))
        .hasValueSatisfying(e -> assertThat(e.ipv4Address()).isEqualTo("198.18.34.10"));
    assertThat(report.containerId).isEqualTo(node.docker().findContainer("fast-app").get().id());
  }

  /**
   * A container disconnected by hand is reconnected in one pass: the Docker event of the connect
   * the pass made does not wake it for a second one.
   */
  @Test
  void aRepairTakesOnePass() {
    String container = node.docker().addContainer("fast-once", "default");
    kube.resource(Fixtures.network("fast-once-net", "198.18.44.0/24")).create();
    kube.resource(attachment("fast-once-on", "fast-once", "fast-once-net", null)).create();
    awaitReport("fast-once-on", Phase.Ready);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> endpoint("fast-once", "fast-once-net").isPresent());
    long before = AttachmentTestSupport.reconciles(node.agent().metrics(), null);

    node.docker()
        .disconnect(node.docker().findNetwork("fast-once-net").orElseThrow().id(), container, true);

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> endpoint("fast-once", "fast-once-net").isPresent());
    await()
        .during(Duration.ofSeconds(2))
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> AttachmentTestSupport.reconciles(node.agent().metrics(), null) == before + 1);
  }

  /**
   * Applied together with its network, an attachment does not report that the network is not on the
   * node while it is being made there: it connects when the network appears. Here the network's
   * first create fails, so it surely comes after the attachment's first pass.
   */
  @Test
  void anAttachmentWaitsSilentlyForItsNetworkOnItsWay() {
    node.docker().addContainer("fast-early", "default");
    node.docker().failNext("createNetwork", new DockerRejectedException("not yet", null));
    kube.resource(Fixtures.network("fast-coming", "198.18.46.0/24")).create();
    kube.resource(attachment("fast-early-on", "fast-early", "fast-coming", null)).create();

    awaitReport("fast-early-on", Phase.Ready);

    assertThat(endpoint("fast-early", "fast-coming")).isPresent();
    assertThat(AttachmentTestSupport.reconciles(node.agent().metrics(), "skipped"))
        .as("passes that waited for the network")
        .isPositive();
    assertThat(AttachmentTestSupport.reconciles(node.agent().metrics(), Phase.Waiting.name()))
        .as("passes that reported NetworkNotOnNode")
        .isZero();
  }

  /**
   * A first pass asks Docker for its container while deciding whether the node joins (no
   * nodeSelector: only where the container is), and its ensure uses that answer: one inspect per
   * pass, the first included, not two.
   */
  @Test
  void aFirstPassAsksDockerForItsContainerOnce() {
    node.docker().addContainer("fast-first", "default");
    kube.resource(Fixtures.network("fast-first-net", "198.18.47.0/24")).create();
    kube.resource(attachment("fast-first-on", "fast-first", "fast-first-net", null)).create();
    awaitReport("fast-first-on", Phase.Ready);

    // Awaited, not asserted at once: a pass still under way has inspected but is not counted yet.
    await()
        .atMost(AgentOnFakeDocker.SOON)
        .untilAsserted(
            () ->
                assertThat(node.docker().readCount("findContainer", "fast-first"))
                    .as("inspects of the container by name, per pass")
                    .isEqualTo(AttachmentTestSupport.reconciles(node.agent().metrics(), null)));
    assertThat(endpoint("fast-first", "fast-first-net")).isPresent();
  }

  @Test
  void aSelectedNodeWaitsForTheContainerAndConnectsItWhenItAppears() {
    kube.resource(Fixtures.network("fast-wait", "198.18.35.0/24")).create();
    ContainerAttachment ca = attachment("fast-late-wait", "fast-late", "fast-wait", "198.18.35.10");
    ca.getSpec().nodeSelector =
        new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/hostname", "node-a").build();
    kube.resource(ca).create();

    assertThat(awaitReport("fast-late-wait", Phase.Waiting).reason).isEqualTo("ContainerNotFound");

    node.docker().addContainer("fast-late", "default");
    awaitReport("fast-late-wait", Phase.Ready);
    assertThat(endpoint("fast-late", "fast-wait")).isPresent();
  }

  /**
   * An attachment deleted without this node's release (the API server's finalizer/delete race,
   * kubernetes#77988, or finalizers cleared by hand): the endpoint it made goes all the same.
   */
  @Test
  void anAttachmentThatWentWithoutTheNodesReleaseIsDisconnectedSoonAfter() {
    node.docker().addContainer("fast-stray", "default");
    kube.resource(Fixtures.network("fast-stray-net", "198.18.42.0/24")).create();
    kube.resource(attachment("fast-stray-on", "fast-stray", "fast-stray-net", null)).create();
    awaitReport("fast-stray-on", Phase.Ready);

    kube.resources(ContainerAttachment.class)
        .withName("fast-stray-on")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    kube.resources(ContainerAttachment.class).withName("fast-stray-on").delete();

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .untilAsserted(
            () -> {
              assertThat(endpoint("fast-stray", "fast-stray-net")).isEmpty();
              assertThat(report("fast-stray-on")).isEmpty();
            });
    assertThat(node.docker().findContainer("fast-stray")).isPresent();
  }

  @Test
  void deletingTheAttachmentDisconnectsTheContainerAndLeavesItRunning() {
    node.docker().addContainer("fast-leaving", "default");
    kube.resource(Fixtures.network("fast-left", "198.18.36.0/24")).create();
    kube.resource(attachment("fast-leaving-left", "fast-leaving", "fast-left", null)).create();
    awaitReport("fast-leaving-left", Phase.Ready);

    kube.resources(ContainerAttachment.class).withName("fast-leaving-left").delete();

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(
            () ->
                !AttachmentTestSupport.exists(
                    kube, ContainerAttachment.class, "fast-leaving-left"));
    assertThat(endpoint("fast-leaving", "fast-left")).isEmpty();
    assertThat(node.docker().findContainer("fast-leaving").get().running()).isTrue();
  }

  @Test
  void aHandMadeDisconnectIsRepaired() {
    node.docker().addContainer("fast-cut", "default");
    kube.resource(Fixtures.network("fast-repair", "198.18.39.0/24")).create();
    kube.resource(attachment("fast-cut-repair", "fast-cut", "fast-repair", "198.18.39.10"))
        .create();
    AttachmentReport ready = awaitReport("fast-cut-repair", Phase.Ready);

    node.docker().disconnect(ready.networkId, ready.containerId, true);

    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> endpoint("fast-cut", "fast-repair").isPresent());
    awaitReport("fast-cut-repair", Phase.Ready);
  }

  private Optional<ContainerEndpoint> endpoint(String container, String network) {
    return node.docker().findContainer(container).map(c -> c.networks().get(network));
  }

  private AttachmentReport awaitReport(String name, Phase phase) {
    return node.awaitReport(ContainerAttachmentNodeState.class, name, phase);
  }

  private Optional<AttachmentReport> report(String name) {
    return node.report(ContainerAttachmentNodeState.class, name);
  }
}
