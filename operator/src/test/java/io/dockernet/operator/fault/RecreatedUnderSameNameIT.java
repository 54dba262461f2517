package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A DockerNetwork deleted and at once created again under the same name, as a GitOps tool replacing
 * an object does: while its deletion waits for another finalizer (here a stand-in for another
 * node's agent), the agent releases its part; when the last finalizer goes, the new object is
 * created in the same instant. The agent hears the deletion and the creation almost together and
 * must still create the new network, every time (JOSDK 5.3 forgets a creation that arrives while it
 * handles the deletion: the agent wakes such an object itself). Subnet 198.18.229.0/26.
 */
@ExtendWith(TestBedExtension.class)
class RecreatedUnderSameNameIT {

  private static final String NODE = "node-a";
  private static final String NETWORK = "recreated";
  private static final String HOLD = "test.dockernet.io/hold";
  private static final int ROUNDS = 15;
  @RegisterExtension static final FaultBed fault = new FaultBed("fault-recreated");

  @BeforeAll
  static void start() {
    TestNode node = fault.bed().node(NODE);
    fault.agents().startAgent(NODE, node.dockerHost(), fault.bed().kubeConfigYaml());
  }

  @Test
  void aNetworkRecreatedUnderTheSameNameIsCreatedEveryTime() {
    TestNode node = fault.bed().node(NODE);
    fault.kube().resource(held()).create();
    String previousId = null;
    for (int round = 1; round <= ROUNDS; round++) {
      String id = awaitNetwork(node, previousId, round);
      fault.kube().resources(DockerNetwork.class).withName(NETWORK).delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> node.docker().listNetworksCmd().withNameFilter(NETWORK).exec().isEmpty());
      // The last finalizer goes, and the new object is created the moment the old one is gone.
      fault
          .kube()
          .resources(DockerNetwork.class)
          .withName(NETWORK)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
      createAsSoonAsGone(held());
      previousId = id;
    }
  }

  private static DockerNetwork held() {
    DockerNetwork dn =
        Fixtures.onNode(Fixtures.network(NETWORK, FaultSubnets.subnet(229, 0)), NODE);
    dn.getMetadata().setFinalizers(List.of(HOLD));
    return dn;
  }

  private static void createAsSoonAsGone(DockerNetwork dn) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1))
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              fault.kube().resource(dn).create();
              return true;
            });
  }

  /** The round's network is created on the node: a new one, not the previous round's. */
  private static String awaitNetwork(TestNode node, String previousId, int round) {
    String[] id = {null};
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var found = node.docker().listNetworksCmd().withNameFilter(NETWORK).exec();
              assertThat(found).as("round %d: the network on %s", round, NODE).hasSize(1);
              id[0] = found.get(0).getId();
            });
    assertThat(id[0]).isNotEqualTo(previousId);
    return id[0];
  }
}
