package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reports a summary reads for one parent: those this parent owns (not an earlier object of the
 * same name), from nodes still in the cluster. A departed node's report stays until the {@link
 * DepartedNodeCollector} deletes it; no summary shows it meanwhile.
 */
public final class ParentReports {

  private ParentReports() {}

  public static <S extends NodeReport, T extends CustomResource<Void, S>> List<S> of(
      HasMetadata parent, Collection<T> reports, Collection<Node> nodes) {
    String uid = parent.getMetadata().getUid();
    Set<String> present =
        nodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    return reports.stream()
        .filter(r -> Objects.equals(uid, ownerUid(r)))
        .map(CustomResource::getStatus)
        .filter(s -> s != null && present.contains(s.nodeName))
        .toList();
  }

  private static String ownerUid(HasMetadata report) {
    return report.getMetadata().getOwnerReferences().stream()
        .findFirst()
        .map(OwnerReference::getUid)
        .orElse(null);
  }
}
