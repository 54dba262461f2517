package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan a replacement would run, in words, so that a GitOps user can review a change before
 * allowing it (recreatePolicy Never) or see what a refused one would have done. Pure: no I/O.
 */
final class RecreatePreview {

  private RecreatePreview() {}

  /**
   * @param journal the journal the replacement would start with
   */
  static List<String> of(NetworkInfo old, NetworkJournal journal, List<String> differences) {
    List<EndpointSnapshot> order =
        journal.endpoints.stream().sorted(EndpointSnapshots.RESTORE_ORDER).toList();
    List<String> steps = new ArrayList<>();
    for (EndpointSnapshot e : journal.endpoints) {
      steps.add("disconnect " + EndpointSnapshots.describe(e) + " (" + whose(e) + ")");
    }
    steps.add("remove Docker network " + old.name() + " (" + old.shortId() + ")");
    steps.add(
        "create it anew"
            + (differences.isEmpty() ? "" : " with " + String.join("; ", differences)));
    for (EndpointSnapshot e : order) {
      steps.add("reconnect " + EndpointSnapshots.describe(e) + " as it was");
    }
    return steps;
  }

  private static String whose(EndpointSnapshot e) {
    return e.attachment == null
        ? "not managed by the operator"
        : "ContainerAttachment " + e.attachment;
  }
}
