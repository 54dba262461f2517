package io.dockernet.operator.node;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cleans up after nodes that left the cluster: their reports are deleted and their finalizers
 * dropped, so a parent never waits forever for an agent that will not come back.
 */
public final class DepartedNodes {

  private DepartedNodes() {}

  /**
   * Removes traces of departed nodes from a parent.
   *
   * @return the reports that belong to nodes still in the cluster
   */
  public static <P extends HasMetadata, S extends NodeReport, R extends CustomResource<Void, S>>
      List<R> forget(
          KubernetesClient client,
          Class<P> parentType,
          P parent,
          Collection<R> reports,
          Set<String> nodeNames) {
    Set<String> liveFinalizers =
        nodeNames.stream().map(NodeFinalizer::of).collect(Collectors.toSet());
    for (String node : NodeFinalizer.nodesOf(parent)) {
      String finalizer = Keys.NODE_FINALIZER_PREFIX + node;
      if (!liveFinalizers.contains(finalizer)) {
        NodeFinalizer.remove(client, parentType, parent, finalizer);
      }
    }
    List<R> kept =
        reports.stream()
            .filter(r -> r.getStatus() == null || nodeNames.contains(r.getStatus().nodeName))
            .toList();
    reports.stream().filter(r -> !kept.contains(r)).forEach(r -> client.resource(r).delete());
    return kept;
  }
}
