package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.attachment.NodeAttachmentSync.Target;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.network.EndpointSnapshots;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.PassReport;
import java.util.Optional;

/**
 * The release path: gives back what an attachment did on this node when it goes, or when an earlier
 * attachment's claim wins, and nothing else: an endpoint it made is disconnected; one that was
 * there before it stays connected, put back as it was, so a legacy container never ends up off its
 * network.
 */
final class AttachmentRelease {

  private final DockerGateway docker;
  private final NetworkGuard guard;
  private final EndpointWrites writes;

  AttachmentRelease(DockerGateway docker, NetworkGuard guard, EndpointWrites writes) {
    this.docker = docker;
    this.guard = guard;
    this.writes = writes;
  }

  /**
   * Undoes what this attachment did on this node: disconnects an endpoint it made (wherever the
   * network now has it, e.g. after a replacement under a new ID); an endpoint it adopted is left
   * connected, put back as it was if the attachment had changed it. Other endpoints and other
   * containers are never touched.
   */
  PassReport<AttachmentReport> release(
      ContainerAttachment ca, Target target, AttachmentReport previous, String why) {
    PassReport<AttachmentReport> done =
        PassReport.of(AttachmentReports.base(ca, null), Phase.Deleting, why, "released");
    done.released = true;
    if (previous == null || previous.containerId == null) {
      return done;
    }
    ContainerInfo c = docker.findContainer(previous.containerId).orElse(null);
    if (c == null) {
      return done;
    }
    boolean adopted = Boolean.TRUE.equals(previous.adopted);
    if (!adopted && !EndpointOwnership.ours(previous, c.id())) {
      return done;
    }
    if (guard.busy(target.dockerName())) {
      // A replacement may have this endpoint disconnected right now and will put it back: releasing
      // on the strength of "not connected" would leave it connected for good and unmanaged.
      return recreatingMeanwhile(ca, c, previous, target.dockerName());
    }
    Optional<NetworkInfo> net = networkOf(c, previous, target);
    if (net.isEmpty()) {
      return done;
    }
    Optional<PassReport<AttachmentReport>> result =
        guard.unlessReplacing(
            net.get().name(),
            () ->
                adopted
                    ? putBackAdopted(c, net.get(), previous, target, done)
                    : disconnect(c, net.get(), previous, done));
    return result.orElseGet(() -> recreatingMeanwhile(ca, c, previous, net.get().name()));
  }

  /**
   * The ContainerAttachment of this node's report was deleted without this node's release: an
   * endpoint the report calls ours is disconnected, as the release would have; an adopted one stays
   * connected as it is. A reconnect under way (an endpoint to put back in the journal) is not
   * finished without its object, nor is anything done while the network is being replaced: the
   * report then stays, to be looked at again.
   *
   * @return true when the report may go
   */
  boolean abandoned(AttachmentReport report) {
    if (report.journal != null && report.journal.previous != null) {
      return false;
    }
    ContainerInfo c =
        report.containerId == null ? null : docker.findContainer(report.containerId).orElse(null);
    if (c == null || !EndpointOwnership.ours(report, c.id())) {
      return true;
    }
    String reported = report.journal != null ? report.journal.networkId : report.networkId;
    Optional<NetworkInfo> net =
        docker.findNetwork(reported).filter(n -> c.networks().containsKey(n.name()));
    if (net.isEmpty()) {
      return true;
    }
    return guard
        .unlessReplacing(net.get().name(), () -> writes.disconnectQuietly(net.get().id(), c.id()))
        .isPresent();
  }

  /**
   * An earlier attachment's claim won: the endpoint this one made goes, and the report stops
   * calling it ours; while the network is being replaced it stays, and the next pass tries again.
   */
  void yieldEndpoint(ContainerInfo c, NetworkInfo net, AttachmentReport base) {
    Optional<Boolean> released =
        guard.unlessReplacing(net.name(), () -> writes.disconnectQuietly(net.id(), c.id()));
    if (released.isPresent()) {
      base.networkId = null;
      base.endpointId = null;
      base.journal = null;
    }
  }

  private static PassReport<AttachmentReport> recreatingMeanwhile(
      ContainerAttachment ca, ContainerInfo c, AttachmentReport previous, String network) {
    return PassReport.of(
        EndpointOwnership.identityOf(AttachmentReports.base(ca, c), previous),
        AttachmentReason.NetworkRecreating,
        "Docker network " + network + " is being replaced; releasing after");
  }

  /** The network the container's endpoint of ours is on: the reported one, else by name. */
  private Optional<NetworkInfo> networkOf(
      ContainerInfo c, AttachmentReport previous, Target target) {
    String reported = previous.journal != null ? previous.journal.networkId : previous.networkId;
    Optional<NetworkInfo> byId = reported == null ? Optional.empty() : docker.findNetwork(reported);
    if (byId.isPresent() && c.networks().containsKey(byId.get().name())) {
      return byId;
    }
    return docker.findNetwork(target.dockerName()).filter(n -> c.networks().containsKey(n.name()));
  }

  private PassReport<AttachmentReport> disconnect(
      ContainerInfo c,
      NetworkInfo net,
      AttachmentReport previous,
      PassReport<AttachmentReport> done) {
    try {
      docker.disconnect(net.id(), c.id(), true);
    } catch (DockerNotFoundException gone) {
      return done;
    } catch (DockerConflictException | DockerRejectedException e) {
      return PassReport.of(
          EndpointOwnership.identityOf(done.report, previous),
          AttachmentReason.DisconnectRejected,
          "Docker refused: " + e.getMessage());
    }
    return done.normal("Detached", "disconnected " + c.name() + " from network " + net.name());
  }

  /** An adopted endpoint stays; if the attachment changed it, it goes back to how it was. */
  private PassReport<AttachmentReport> putBackAdopted(
      ContainerInfo c,
      NetworkInfo net,
      AttachmentReport previous,
      Target target,
      PassReport<AttachmentReport> done) {
    EndpointSnapshot was = previous.adoptedEndpoint;
    ContainerEndpoint current = c.networks().get(net.name());
    if (was == null
        || current == null
        || DesiredEndpoint.differences(EndpointSnapshots.asConfigured(was), current).isEmpty()) {
      return done.normal(
          "Released", "left " + c.name() + " on network " + net.name() + ": it was there before");
    }
    writes.disconnectQuietly(net.id(), c.id());
    writes.putBack(net.id(), c.id(), was, net, target.configuredSubnets());
    return done.normal(
        "Released",
        "put " + c.name() + " back on network " + net.name() + " as it was before the attachment");
  }
}
