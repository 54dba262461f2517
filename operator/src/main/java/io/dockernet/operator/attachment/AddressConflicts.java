package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.attachment.AttachmentPlan.ClaimOnNode;
import io.dockernet.operator.attachment.AttachmentPlan.Report;
import io.dockernet.operator.attachment.NodeAttachmentSync.Claim;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import java.util.List;

/**
 * Who else has the address (or the container) an attachment wants on a network: an earlier
 * attachment's claim, which wins, or another container Docker already gave the address to. Kept
 * apart from {@link AttachmentPlan} because the connect path asks the same question again when
 * Docker refuses. Pure: no I/O.
 */
final class AddressConflicts {

  private AddressConflicts() {}

  /**
   * An earlier attachment asking for the same address (or the same container) on this network wins
   * wherever its container exists; this one then reports the Conflict and gives back an address it
   * holds, so the report does not depend on which agent pass ran first. Null: nobody earlier.
   */
  static Report yieldToEarlier(
      ContainerInfo c,
      NetworkInfo net,
      ContainerEndpoint current,
      EndpointRequest desired,
      List<ClaimOnNode> claims,
      AttachmentReport previous) {
    for (ClaimOnNode onNode : claims) {
      if (onNode.containerId() == null) {
        continue;
      }
      Claim claim = onNode.claim();
      if (onNode.containerId().equals(c.id())) {
        return new Report(
            AttachmentReason.DuplicateAttachment,
            "ContainerAttachment "
                + claim.attachment()
                + " (created earlier) already connects "
                + c.name()
                + " to "
                + net.name()
                + "; only one attachment per container and network takes effect");
      }
      String address = sharedAddress(claim, desired);
      if (address == null) {
        continue;
      }
      boolean heldByUs =
          current != null
              && current.endpointId() != null
              && EndpointOwnership.ours(previous, c.id())
              && DesiredEndpoint.differences(desired, current).isEmpty();
      return new Report(
          AttachmentReason.AddressClaimed,
          address
              + " on network "
              + net.name()
              + " is also claimed by ContainerAttachment "
              + claim.attachment()
              + " (container "
              + onNode.containerName()
              + "), created earlier, which takes precedence",
          heldByUs);
    }
    return null;
  }

  private static String sharedAddress(Claim claim, EndpointRequest desired) {
    if (desired.ipv4Address() != null
        && desired.ipv4Address().equals(DesiredEndpoint.canonical(claim.ipv4Address()))) {
      return desired.ipv4Address();
    }
    if (desired.ipv6Address() != null
        && desired.ipv6Address().equals(DesiredEndpoint.canonical(claim.ipv6Address()))) {
      return desired.ipv6Address();
    }
    return null;
  }

  /** The name of another container on the network holding one of the requested addresses. */
  static String holderOf(NetworkInfo net, String containerId, EndpointRequest desired) {
    for (NetworkEndpoint e : net.endpoints()) {
      if (e.containerId().equals(containerId)) {
        continue;
      }
      if (sameAddress(desired.ipv4Address(), e.ipv4Cidr())
          || sameAddress(desired.ipv6Address(), e.ipv6Cidr())) {
        return e.containerName() == null ? e.containerId() : e.containerName();
      }
    }
    return null;
  }

  /** What the AddressInUse Conflict says, whether seen before the connect or told by Docker. */
  static String inUse(EndpointRequest desired, String network, String holder) {
    return addressOf(desired)
        + " on network "
        + network
        + " is already in use by container "
        + holder;
  }

  private static boolean sameAddress(String wanted, String cidr) {
    return wanted != null && cidr != null && wanted.equals(DesiredEndpoint.canonical(cidr));
  }

  static String addressOf(EndpointRequest desired) {
    return desired.ipv4Address() != null ? desired.ipv4Address() : desired.ipv6Address();
  }
}
