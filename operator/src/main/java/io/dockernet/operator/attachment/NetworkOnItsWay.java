package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.network.DesiredNetwork;
import io.dockernet.operator.node.LabelSelectors;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether an attachment's DockerNetwork is still being made on this node: it selects the node, its
 * summary names no report from the node yet, and Docker has no network of its name. An attachment
 * applied together with its network (a bulk apply, a GitOps sync) nearly always meets it so; were
 * it to take part then, it would hold a finalizer and report {@code NetworkNotOnNode} only to
 * connect a moment later, two passes and three API writes where one pass does. It waits instead:
 * the network's creation wakes it (Docker's event), and so does the node's report on the network
 * (the summary changes), which, if the network failed here, it then reports against.
 */
final class NetworkOnItsWay {

  private NetworkOnItsWay() {}

  /**
   * @param onDocker whether the node's Docker has a network of that name (asked only when the
   *     summary does not settle it)
   */
  static boolean test(
      DockerNetwork dn,
      String nodeName,
      Map<String, String> nodeLabels,
      Predicate<String> onDocker) {
    if (dn == null
        || dn.isMarkedForDeletion()
        || !LabelSelectors.matches(DesiredNetwork.specOf(dn).nodeSelector, nodeLabels)) {
      return false;
    }
    boolean reported =
        dn.getStatus() != null
            && dn.getStatus().nodes != null
            && dn.getStatus().nodes.stream().anyMatch(n -> nodeName.equals(n.nodeName));
    return !reported && !onDocker.test(dn.dockerName());
  }
}
