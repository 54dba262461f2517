package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which traces of which nodes go, given the nodes in the cluster. */
class LeftoversTest {

  private static final String LONG_NODE = "n".repeat(80);

  @Test
  void theFinalizersOfDepartedNodesGoFromEveryParentAndNothingElseDoes() {
    DockerNetwork one =
        parent("one", NodeFinalizer.of("node-a"), NodeFinalizer.of("node-c"), "example.com/keep");
    DockerNetwork two = parent("two", NodeFinalizer.of("node-c"), NodeFinalizer.of("node-d"));
    DockerNetwork three = parent("three", NodeFinalizer.of("node-b"));

    Leftovers<DockerNetwork, DockerNetworkNodeState> left =
        Leftovers.of(List.of(one, two, three), List.of(), Set.of("node-a", "node-b"));

    assertThat(left.finalizers())
        .extracting(f -> f.parent().getMetadata().getName() + " " + f.finalizer())
        .containsExactly(
            "one nodes.dockernet.io/node-c",
            "two nodes.dockernet.io/node-c",
            "two nodes.dockernet.io/node-d");
    assertThat(left.reports()).isEmpty();
  }

  @Test
  void aLongNodeNameIsMatchedByItsHashedFinalizer() {
    DockerNetwork dn =
        parent("one", NodeFinalizer.of(LONG_NODE), NodeFinalizer.of("x" + LONG_NODE));

    Leftovers<DockerNetwork, DockerNetworkNodeState> left =
        Leftovers.of(List.of(dn), List.of(), Set.of(LONG_NODE));

    assertThat(left.finalizers())
        .extracting(Leftovers.Finalizer::finalizer)
        .containsExactly(NodeFinalizer.of("x" + LONG_NODE));
  }

  @Test
  void theReportsOfDepartedNodesGoWhetherOrNotTheyHaveAStatusYet() {
    DockerNetworkNodeState kept = report("one.node-a", "node-a", "node-a");
    DockerNetworkNodeState departed = report("one.node-c", "node-c", "node-c");
    DockerNetworkNodeState departedBeforeItsFirstStatus = report("two.node-c", null, "node-c");
    DockerNetworkNodeState saysNothing = report("three.unknown", null, null);

    Leftovers<DockerNetwork, DockerNetworkNodeState> left =
        Leftovers.of(
            List.of(),
            List.of(kept, departed, departedBeforeItsFirstStatus, saysNothing),
            Set.of("node-a"));

    assertThat(left.reports()).containsExactly(departed, departedBeforeItsFirstStatus);
    assertThat(left.finalizers()).isEmpty();
  }

  @Test
  void nothingIsLeftWhileEveryNodeIsThere() {
    DockerNetwork dn = parent("one", NodeFinalizer.of("node-a"), NodeFinalizer.of("node-b"));
    Leftovers<DockerNetwork, DockerNetworkNodeState> left =
        Leftovers.of(
            List.of(dn),
            List.of(report("one.node-b", "node-b", "node-b")),
            Set.of("node-a", "node-b"));

    assertThat(left.finalizers()).isEmpty();
    assertThat(left.reports()).isEmpty();
  }

  private static DockerNetwork parent(String name, String... finalizers) {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(new ObjectMetaBuilder().withName(name).withFinalizers(finalizers).build());
    return dn;
  }

  /**
   * @param statusNode the node its status names, or null for no status yet
   * @param labelNode its node label, or null for none
   */
  private static DockerNetworkNodeState report(String name, String statusNode, String labelNode) {
    DockerNetworkNodeState r = new DockerNetworkNodeState();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withLabels(labelNode == null ? Map.of() : Map.of(Keys.NODE_LABEL, labelNode))
            .build());
    if (statusNode != null) {
      NetworkReport s = new NetworkReport();
      s.nodeName = statusNode;
      r.setStatus(s);
    }
    return r;
  }
}
