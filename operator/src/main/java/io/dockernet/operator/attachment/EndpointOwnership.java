package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.network.EndpointSnapshots;

/**
 * What a node's report says an attachment owns there (an endpoint it made, one it adopted, a
 * connect under way), carried from each report to the next: the report is the only memory, so one
 * that dropped it would turn our endpoint into someone else's, or a legacy one into ours. Pure.
 */
final class EndpointOwnership {

  private EndpointOwnership() {}

  /** True when the endpoint the container has is one this attachment made (or is making). */
  static boolean ours(AttachmentReport previous, String containerId) {
    return previous != null
        && containerId.equals(previous.containerId)
        && !Boolean.TRUE.equals(previous.adopted)
        && (previous.networkId != null || previous.journal != null);
  }

  /**
   * What the last report said the attachment owns stays said: the endpoint it made (or adopted),
   * and a connect under way with the endpoint to put back, until a decision changes it. A report
   * that dropped them (e.g. while the network was being replaced) would turn the endpoint into
   * someone else's.
   */
  static void keepIdentity(
      AttachmentReport base,
      AttachmentReport previous,
      NetworkInfo net,
      ContainerEndpoint current) {
    if (previous == null || !base.containerId.equals(previous.containerId)) {
      return;
    }
    boolean adopted = Boolean.TRUE.equals(previous.adopted);
    if (!ours(previous, base.containerId) && !adopted) {
      return;
    }
    boolean here = current != null && net != null;
    base.networkId = here ? net.id() : previous.networkId;
    base.endpointId = here ? current.endpointId() : previous.endpointId;
    base.adopted = adopted ? true : null;
    base.adoptedEndpoint = adopted ? previous.adoptedEndpoint : null;
    base.journal = previous.journal;
  }

  /** An endpoint found as declared that this attachment never made was there before it. */
  static void adoptAtFirstSight(
      AttachmentReport base,
      AttachmentReport previous,
      ContainerInfo c,
      ContainerEndpoint current) {
    if (base.networkId != null || ours(previous, c.id())) {
      return;
    }
    base.adopted = true;
    base.adoptedEndpoint = EndpointSnapshots.of(c.id(), c.name(), current, null);
  }

  /** A report that keeps what the last one said the attachment owns, so a retry still knows. */
  static AttachmentReport identityOf(AttachmentReport report, AttachmentReport previous) {
    report.containerId = previous.containerId;
    report.containerName = previous.containerName;
    report.networkId = previous.networkId;
    report.endpointId = previous.endpointId;
    report.adopted = previous.adopted;
    report.adoptedEndpoint = previous.adoptedEndpoint;
    report.journal = previous.journal;
    return report;
  }
}
