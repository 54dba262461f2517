package io.dockernet.operator.attachment;

import static io.dockernet.operator.attachment.AttachmentTestSupport.CONVERGE;
import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitReady;
import static io.dockernet.operator.attachment.AttachmentTestSupport.endpoint;
import static io.dockernet.operator.attachment.AttachmentTestSupport.report;
import static io.dockernet.operator.attachment.AttachmentTestSupport.run;
import static io.dockernet.operator.testbed.Fixtures.attachment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.node.PassRules;
import io.dockernet.operator.node.ReportStore;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agents restarted (a rolling update) on a node whose daemon did not change while they were away
 * and on one where an admin restarted the attached container and connected another of theirs: the
 * first keeps its reports by one overview of the daemon, without a pass that reads it; the second
 * reports the new endpoint and the newcomer. On Engine 20.10 (node-a) and 28.5.2 (node-b, refusing
 * API versions below 1.44). Subnet 198.18.239.0/24.
 */
@ExtendWith(TestBedExtension.class)
class AgentStartIT {

  private static final List<String> NODES = List.of("node-a", "node-b");
  private static final String QUIET = "node-a";
  private static final String CHANGED = "node-b";
  private static final String NETWORK = "start-net";
  private static final String ATTACHMENT = "start-app-net";
  private static final String APP = "start-app";
  private static final String LEGACY = "u-start-legacy";
  private static final String LATE = "u-start-late";

  private static TestBed bed;
  private static KubernetesClient kube;
  private static RunningOperators operators;

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    bed.cleanDocker();
    operators = RunningOperators.start(bed);
  }

  @AfterAll
  static void stop() {
    // The admin's containers hold the network when its object is deleted; theirs to move.
    for (String node : NODES) {
      DockerClient docker = bed.node(node).docker();
      for (String unmanaged : node.equals(CHANGED) ? List.of(LEGACY, LATE) : List.of(LEGACY)) {
        docker.disconnectFromNetworkCmd().withNetworkId(NETWORK).withContainerId(unmanaged).exec();
      }
    }
    Fixtures.deleteAll(kube);
    if (operators != null) {
      operators.close();
    }
    bed.cleanDocker();
  }

  @Test
  void aRestartedAgentKeepsWhatItsDaemonStillShowsAndReportsWhatChanged() {
    kube.resource(Fixtures.onNodes(Fixtures.network(NETWORK, "198.18.239.0/24"), NODES)).create();
    for (String node : NODES) {
      DockerClient docker = bed.node(node).docker();
      run(docker, APP);
      run(docker, LEGACY);
      await()
          .atMost(CONVERGE)
          .until(() -> AttachmentTestSupport.dockerNetwork(docker, NETWORK).isPresent());
      docker
          .connectToNetworkCmd()
          .withNetworkId(NETWORK)
          .withContainerId(LEGACY)
          .withContainerNetwork(
              new ContainerNetwork()
                  .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address("198.18.239.20")))
          .exec();
    }
    kube.resource(attachment(ATTACHMENT, APP, NETWORK, "198.18.239.10")).create();
    awaitReady(kube, ATTACHMENT, NODES.size());
    for (String node : NODES) {
      await()
          .atMost(CONVERGE)
          .until(() -> List.of(APP, LEGACY).equals(networkReport(node).containers));
    }
    String quietEndpoint = endpointId(QUIET, APP);

    PassRules rules = PassRules.of(RunningOperators.TEST_BED_POLICY);
    for (String node : NODES) { // the agents named their rules: they passed over every object
      await()
          .atMost(CONVERGE)
          .until(() -> rules.sameAsBefore(kube, operators.releaseNamespace(), node));
    }
    NODES.forEach(operators::stopAgent);
    DockerClient changed = bed.node(CHANGED).docker();
    changed.restartContainerCmd(APP).exec();
    run(changed, LATE);
    changed.connectToNetworkCmd().withNetworkId(NETWORK).withContainerId(LATE).exec();
    NODES.forEach(operators::startAgent);

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(report(kube, ATTACHMENT, CHANGED).orElseThrow().endpointId)
                    .as("the endpoint Docker made when the container started again")
                    .isEqualTo(endpointId(CHANGED, APP)));
    await()
        .atMost(CONVERGE)
        .until(() -> List.of(APP, LATE, LEGACY).equals(networkReport(CHANGED).containers));
    await().atMost(CONVERGE).until(() -> trusted(QUIET) == 2);
    assertThat(trusted(CHANGED)).as("reports kept on the node that changed").isZero();
    assertThat(report(kube, ATTACHMENT, QUIET).orElseThrow().endpointId).isEqualTo(quietEndpoint);
    assertThat(networkReport(QUIET).containers).containsExactly(APP, LEGACY);
    for (String node : NODES) {
      assertThat(endpoint(bed.node(node).docker(), LEGACY, NETWORK))
          .as("the admin's container on %s", node)
          .hasValueSatisfying(e -> assertThat(e.getIpAddress()).isEqualTo("198.18.239.20"));
    }
  }

  private static NetworkReport networkReport(String node) {
    return kube.resources(DockerNetworkNodeState.class)
        .withName(ReportStore.nameFor(NETWORK, node))
        .get()
        .getStatus();
  }

  private static String endpointId(String node, String container) {
    return endpoint(bed.node(node).docker(), container, NETWORK).orElseThrow().getEndpointId();
  }

  private static double trusted(String node) {
    MeterRegistry metrics = operators.agent(node).metrics();
    return metrics.find("dockernet.reports.trusted").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
