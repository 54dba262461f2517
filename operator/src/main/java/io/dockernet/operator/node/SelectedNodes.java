package io.dockernet.operator.node;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes should act on an object: those its node selector picks that run a live agent ({@code
 * desired}), and the picked ones whose agent is gone or never came ({@code withoutAgent}): those
 * are named in a Warning instead of holding Ready back forever. An empty selector means "every node
 * with an agent", so there only nodes whose agent stopped heartbeating are missing (a node the
 * agent DaemonSet does not run on is not).
 *
 * @param desired nodes that should act, sorted
 * @param withoutAgent selected nodes without a live agent, sorted
 */
public record SelectedNodes(Set<String> desired, List<String> withoutAgent) {

  /**
   * @param selector the object's node selector (null or empty: every node with an agent)
   * @param nodes the cluster's Node objects
   * @param agents which nodes have a live agent, and which had one
   */
  public static SelectedNodes of(
      LabelSelector selector, Collection<Node> nodes, LiveAgents.Snapshot agents) {
    boolean everyAgent = LabelSelectors.isEmpty(selector);
    Set<String> desired = new TreeSet<>();
    Set<String> withoutAgent = new TreeSet<>();
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      if (!LabelSelectors.matches(selector, node.getMetadata().getLabels())) {
        continue;
      }
      if (agents.live().contains(name)) {
        desired.add(name);
      } else if (!everyAgent || agents.known().contains(name)) {
        withoutAgent.add(name);
      }
    }
    return new SelectedNodes(desired, List.copyOf(withoutAgent));
  }
}
