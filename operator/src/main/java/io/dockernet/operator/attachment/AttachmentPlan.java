package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.attachment.NodeAttachmentSync.Claim;
import io.dockernet.operator.attachment.NodeAttachmentSync.Target;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.network.EndpointSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What to do about one ContainerAttachment on one node, from what the node shows: report and wait,
 * refuse, connect, reconnect, or nothing (it is as declared). Pure: no I/O; {@link
 * NodeAttachmentSync} observes before and applies after.
 */
final class AttachmentPlan {

  /** Docker networks that take no `docker network connect`. */
  static final Set<String> NOT_ATTACHABLE = Set.of("host", "none");

  /** How long an attachment waits for its network's replacement before saying it is stalled. */
  static final Duration RECREATE_PATIENCE = Duration.ofMinutes(5);

  /** What the node shows. */
  record Observed(
      ContainerInfo container,
      String namespaceOwner,
      NetworkInfo network,
      List<ClaimOnNode> claims,
      boolean networkBeingReplaced) {}

  /** An earlier attachment's claim and its container on this node (null ID: not here). */
  record ClaimOnNode(Claim claim, String containerId, String containerName) {}

  /** The decision. */
  sealed interface Decision {}

  /** Nothing to change in Docker: report this. {@code release}: give back our endpoint first. */
  record Report(AttachmentReason reason, String message, boolean release) implements Decision {
    Report(AttachmentReason reason, String message) {
      this(reason, message, false);
    }
  }

  /**
   * The endpoint is as declared ({@code endpoint}, or the configuration of a stopped container).
   */
  record AsDeclared(ContainerEndpoint endpoint, List<String> warnings) implements Decision {}

  /** Connect the container (no endpoint on this network yet). */
  record Connect(EndpointRequest request, List<String> warnings) implements Decision {}

  /** Replace the container's endpoint; {@code previous} is put back if Docker refuses. */
  record Reconnect(
      EndpointRequest request,
      EndpointSnapshot previous,
      List<String> differences,
      List<String> warnings)
      implements Decision {}

  private AttachmentPlan() {}

  /** Decides; {@code previous} is this node's last report (null: none). */
  static Decision decide(
      ContainerAttachment ca,
      Target target,
      Observed observed,
      AttachmentReport previous,
      Instant now) {
    String containerName = DesiredEndpoint.specOf(ca).container;
    String networkName = DesiredEndpoint.specOf(ca).network;
    EndpointRequest desired = DesiredEndpoint.from(ca);
    ContainerInfo c = observed.container();
    if (c == null) {
      return new Report(
          AttachmentReason.ContainerNotFound,
          "no container " + containerName + " on this node (yet); it is attached when it appears");
    }
    String mode = c.networkMode() == null ? "default" : c.networkMode();
    if (mode.equals("host") || mode.equals("none") || mode.startsWith("container:")) {
      return new Report(
          AttachmentReason.IncompatibleNetworkMode,
          incompatible(c.name(), mode, observed.namespaceOwner()));
    }
    if (!target.declared()) {
      if (NOT_ATTACHABLE.contains(networkName)) {
        return new Report(
            AttachmentReason.NotAttachable,
            "Docker's "
                + networkName
                + " network takes no connects: a container joins it only when it is created"
                + " (docker run --network "
                + networkName
                + ")");
      }
      return new Report(AttachmentReason.NetworkNotFound, "no DockerNetwork named " + networkName);
    }
    if (target.deleting()) {
      return new Report(
          AttachmentReason.NetworkDeleting, "DockerNetwork " + networkName + " is being deleted");
    }
    NetworkInfo net = observed.network();
    if (net == null) {
      return new Report(
          AttachmentReason.NetworkNotOnNode,
          "Docker network "
              + target.dockerName()
              + " does not exist on this node (yet); is the node selected by its DockerNetwork?");
    }
    if (observed.networkBeingReplaced()) {
      return replacing(net, previous, now);
    }
    StaticAddresses.Verdict verdict =
        StaticAddresses.check(desired, net, target.configuredSubnets());
    if (verdict.refused()) {
      return new Report(verdict.refusal(), verdict.message());
    }
    ContainerEndpoint current = c.networks().get(net.name());
    Report lost =
        AddressConflicts.yieldToEarlier(c, net, current, desired, observed.claims(), previous);
    if (lost != null) {
      return lost;
    }
    List<String> differences =
        current == null ? List.of() : DesiredEndpoint.differences(desired, current);
    boolean active =
        current != null && current.endpointId() != null && net.id().equals(current.networkId());
    boolean configuredHere =
        current != null && (current.networkId() == null || net.id().equals(current.networkId()));
    if (differences.isEmpty() && (active || (!c.running() && configuredHere))) {
      String taker = c.running() ? null : AddressConflicts.holderOf(net, c.id(), desired);
      if (taker != null) {
        return new Report(
            AttachmentReason.AddressTaken,
            AddressConflicts.addressOf(desired)
                + " on network "
                + net.name()
                + " is used by container "
                + taker
                + " while "
                + c.name()
                + " is stopped: Docker will refuse to start "
                + c.name()
                + " until it is free");
      }
      return new AsDeclared(current, verdict.warnings());
    }
    String holder = AddressConflicts.holderOf(net, c.id(), desired);
    if (holder != null) {
      return new Report(
          AttachmentReason.AddressInUse, AddressConflicts.inUse(desired, net.name(), holder));
    }
    if (current == null) {
      return new Connect(desired, verdict.warnings());
    }
    EndpointSnapshot before =
        EndpointSnapshots.of(c.id(), c.name(), current, ca.getMetadata().getName());
    return new Reconnect(
        desired,
        before,
        differences.isEmpty() ? List.of("stale") : differences,
        verdict.warnings());
  }

  /** Waits while the network's endpoints are being put back; says so when it takes too long. */
  private static Report replacing(NetworkInfo net, AttachmentReport previous, Instant now) {
    boolean waitingLong =
        previous != null
            && previous.lastTransitionTime != null
            && (AttachmentReason.NetworkRecreating.is(previous.reason)
                || AttachmentReason.NetworkRecreateStalled.is(previous.reason))
            && Instant.parse(previous.lastTransitionTime).plus(RECREATE_PATIENCE).isBefore(now);
    if (waitingLong) {
      return new Report(
          AttachmentReason.NetworkRecreateStalled,
          "Docker network "
              + net.name()
              + " has been in replacement for over "
              + RECREATE_PATIENCE.toMinutes()
              + " minutes; see its DockerNetwork's report for this node. Nothing is connected"
              + " until it is finished");
    }
    return new Report(
        AttachmentReason.NetworkRecreating,
        "Docker network " + net.name() + " is being replaced; connecting once it is back");
  }

  private static String incompatible(String container, String mode, String sharedWith) {
    if (mode.startsWith("container:")) {
      return "container "
          + container
          + " runs with --network "
          + mode
          + ": it shares the network namespace of container "
          + sharedWith
          + " and cannot be connected to other networks (attach that container instead)";
    }
    return "container "
        + container
        + " runs with --network "
        + mode
        + (mode.equals("host")
            ? ": it shares the node's network namespace"
            : ": it has only a loopback interface")
        + " and cannot be connected to other networks";
  }
}
