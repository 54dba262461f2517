package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which nodes should act on an object, given its selector and where agents live. */
class SelectedNodesTest {

  private static final List<Node> NODES =
      List.of(node("node-a", "worker"), node("node-b", "worker"), node("cp", "control-plane"));

  @Test
  void anEmptySelectorMeansEveryNodeWithAnAgentAndMissesOnlyAgentsThatStopped() {
    LiveAgents.Snapshot agents =
        new LiveAgents.Snapshot(Set.of("node-a"), Set.of("node-a", "node-b"));
    SelectedNodes s = SelectedNodes.of(null, NODES, agents);
    assertThat(s.desired()).containsExactly("node-a");
    // cp never had an agent (the DaemonSet does not run there): not missing.
    assertThat(s.withoutAgent()).containsExactly("node-b");
  }

  @Test
  void aSelectedNodeWithoutAnyAgentIsListedAndNotDesired() {
    LabelSelector all =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("role")
            .withOperator("Exists")
            .endMatchExpression()
            .build();
    LiveAgents.Snapshot agents =
        new LiveAgents.Snapshot(Set.of("node-a", "node-b"), Set.of("node-a", "node-b"));
    SelectedNodes s = SelectedNodes.of(all, NODES, agents);
    assertThat(s.desired()).containsExactly("node-a", "node-b");
    assertThat(s.withoutAgent()).containsExactly("cp");
  }

  @Test
  void nodesTheSelectorDoesNotPickAreNeitherDesiredNorMissing() {
    LabelSelector workers = new LabelSelectorBuilder().addToMatchLabels("role", "worker").build();
    LiveAgents.Snapshot agents = new LiveAgents.Snapshot(Set.of("node-b"), Set.of("node-b"));
    SelectedNodes s = SelectedNodes.of(workers, NODES, agents);
    assertThat(s.desired()).containsExactly("node-b");
    assertThat(s.withoutAgent()).containsExactly("node-a");
  }

  private static Node node(String name, String role) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("role", role)
        .endMetadata()
        .build();
  }
}
