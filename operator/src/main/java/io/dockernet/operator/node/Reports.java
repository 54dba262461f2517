package io.dockernet.operator.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Comparison of reports, so an agent writes only when something a reader would see changed. */
final class Reports {

  private Reports() {}

  static boolean same(NodeReport a, NodeReport b) {
    return withoutTime(a).equals(withoutTime(b));
  }

  private static JsonNode withoutTime(NodeReport report) {
    ObjectNode tree = Serialization.jsonMapper().valueToTree(report);
    tree.remove("lastTransitionTime");
    return tree;
  }
}
