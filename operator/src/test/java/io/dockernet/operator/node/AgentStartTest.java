package io.dockernet.operator.node;

import static io.dockernet.operator.testbed.Fixtures.attachment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restarted agent (a rolling update, a crash) keeps the reports one overview of its daemon shows
 * exactly, without reading Docker for them, and passes over everything else as before: what changed
 * while it was away is repaired and reported. A new build or another node policy trusts nothing.
 */
class AgentStartTest {

  private static final String NETWORK = "start-net";
  private static final String ATTACHMENT = "start-app-net";
  private static final String CONTAINER = "start-app";

  private final KubernetesClient kube = AgentOnFakeDocker.kube();
  private AgentOnFakeDocker node;
  private String container;

  @BeforeEach
  void attached() {
    node = AgentOnFakeDocker.start();
    container = node.docker().addContainer(CONTAINER, "default");
    kube.resource(Fixtures.network(NETWORK, "198.18.46.0/24")).create();
    kube.resource(attachment(ATTACHMENT, CONTAINER, NETWORK, "198.18.46.10")).create();
    node.awaitReport(ContainerAttachmentNodeState.class, ATTACHMENT, Phase.Ready);
    await() // the connect wakes the network, whose report then lists the container
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> List.of(CONTAINER).equals(networkReport().containers));
  }

  @AfterEach
  void stopAgent() {
    node.close();
  }

  @Test
  void reportsTheDaemonStillShowsAreKeptWithoutReadingItAndStillGuarded() {
    int inspects = node.docker().inspectCount();

    node = node.restarted(RunningOperators.TEST_BED_POLICY, () -> {});

    await().atMost(AgentOnFakeDocker.SOON).until(() -> trusted(node.agent().metrics()) == 2);
    assertThat(node.docker().inspectCount()).as("inspects since the restart").isEqualTo(inspects);
    // The kept attachment follows its container as after a pass: a disconnect by hand is undone
    // at the daemon's event, long before the periodic overview (a minute) would find it.
    node.docker().disconnect(networkId(), container, true);
    awaitConnected();
  }

  @Test
  void whatChangedWhileTheAgentWasAwayIsRepairedAndReported() {
    String legacy = node.docker().addContainer("start-legacy", "default");

    node =
        node.restarted(
            RunningOperators.TEST_BED_POLICY,
            () -> {
              node.docker().disconnect(networkId(), container, true);
              node.docker().connect(networkId(), legacy, null);
            });

    awaitConnected();
    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(() -> List.of(CONTAINER, "start-legacy").equals(networkReport().containers));
    assertThat(trusted(node.agent().metrics())).isZero();
    // The admin's container holds the network when its object is deleted; it is theirs to move.
    node.docker().disconnect(networkId(), legacy, false);
  }

  @Test
  void anAgentUnderAnotherNodePolicyTrustsNoReport() {
    int inspects = node.docker().inspectCount();

    node =
        node.restarted(
            NodePolicy.DEFAULTS.withAttachments(NodePolicy.AttachmentMode.Open, false), () -> {});

    await().atMost(AgentOnFakeDocker.SOON).until(() -> reconciles(node.agent().metrics()) >= 2);
    assertThat(trusted(node.agent().metrics())).isZero();
    assertThat(node.docker().inspectCount()).isGreaterThan(inspects);
  }

  private void awaitConnected() {
    await()
        .atMost(AgentOnFakeDocker.SOON)
        .until(
            () ->
                node.docker()
                    .findContainer(CONTAINER)
                    .orElseThrow()
                    .networks()
                    .containsKey(NETWORK));
  }

  private NetworkReport networkReport() {
    return node.report(DockerNetworkNodeState.class, NETWORK).orElseThrow();
  }

  private String networkId() {
    return node.docker().findNetwork(NETWORK).orElseThrow().id();
  }

  private static double trusted(MeterRegistry metrics) {
    return metrics.find("dockernet.reports.trusted").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static long reconciles(MeterRegistry metrics) {
    return metrics.find("dockernet.reconcile").timers().stream().mapToLong(Timer::count).sum();
  }
}
