package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.NodeReason;
import io.dockernet.operator.node.ReportReason;

/**
 * The reasons a node's ContainerAttachment report ({@code ContainerAttachmentNodeState}) gives,
 * besides those both kinds share ({@link NodeReason}).
 */
public enum AttachmentReason implements ReportReason {
  Attached(
      Phase.Ready,
      """
      the container is connected as declared; the report has its addresses, MAC, gateway, bridge
      and host-side veth. `warnings` says where Docker did not do exactly what was asked
      (`StaticAddressInIpRange`, `MacAddressIgnored`)
      """),
  Configured(
      Phase.Ready,
      "stopped container, connected for its start",
      """
      the container is stopped and connected anyway, so that its address is in place before it
      starts: Docker gives it the declared endpoint when it does
      """),
  Connecting(
      Phase.Pending,
      "journaled, Docker being asked",
      """
      the connect is journaled in the report and Docker is being asked; if it stays, the agent
      stopped in between, and the next pass finishes it (or puts back the endpoint it replaced)
      """),
  NetworkRecreating(
      Phase.Pending,
      "its network is being replaced",
      """
      its network is being replaced on that node; the attachment changes nothing on it meanwhile and
      connects (or lets go) once the network is back
      """),
  Vanished(
      Phase.Pending,
      """
      the container or the network went away while the agent was connecting; the next pass looks
      again
      """),
  NotVerified(
      Phase.Pending,
      """
      Docker accepted the connect but does not show the endpoint yet; the agent looks again within
      seconds
      """),
  ContainerNotFound(
      Phase.Waiting,
      """
      the attachment waits for the container to exist on that node, and attaches it within about a
      second when it does
      """),
  NetworkNotFound(
      Phase.Waiting,
      """
      no DockerNetwork of the name in `spec.network` exists; the attachment connects once one is
      created
      """),
  NetworkDeleting(
      Phase.Waiting,
      """
      the DockerNetwork is being deleted; nothing is connected to it (an attachment does not hold up
      its network's deletion)
      """),
  NetworkNotOnNode(
      Phase.Waiting,
      """
      the DockerNetwork exists but its Docker network is not on that node (yet): its `nodeSelector`
      does not select the node, or its report for the node says why the network is not there. The
      container is connected once it is. (While the network is still being made there, as when
      both are applied together, the attachment waits for it without a report.)
      """),
  AddressInUse(
      Phase.Conflict,
      "names the container holding it",
      """
      another container holds the static address; the message names it. The attachment takes the
      address once it is freed
      """),
  AddressTaken(
      Phase.Conflict,
      "a stopped container's address is used by another",
      """
      the container is stopped, and another container now holds its static address on the network:
      Docker will refuse to start it until the address is free. Stop or disconnect the other
      container, or change the address
      """),
  AddressClaimed(
      Phase.Conflict,
      """
      a ContainerAttachment created earlier asks for the same address on that network and takes
      precedence (the message names it and its container); this one gives the address back if it
      held it. Change one of the two addresses, or delete one attachment
      """),
  DuplicateAttachment(
      Phase.Conflict,
      """
      a ContainerAttachment created earlier already connects this container to this network; only
      one attachment per container and network takes effect. Delete one of them
      """),
  ConnectConflict(
      Phase.Conflict,
      """
      Docker refused the connect as a conflict, with no other container holding the address; the
      message has its answer. On a reconnect (changed spec) the previous endpoint was put back as it
      was. Retried with backoff
      """),
  IncompatibleNetworkMode(
      Phase.Error,
      "host, none, container:X: names the mode and the sharing container",
      """
      the container runs with `--network host`, `none` or `container:<other>` and cannot be
      connected to other networks; the message names the mode and, for `container:`, the container
      whose network namespace it shares: attach that one instead. Not retried until the container or
      the attachment changes
      """),
  NotAttachable(
      Phase.Error,
      "Docker's `host`/`none` network",
      """
      `spec.network` is Docker's `host` or `none` network, which take no `docker network connect`: a
      container joins them only when it is created (`docker run --network host`). Not retried until
      the attachment changes
      """),
  InvalidAddress(
      Phase.Error,
      """
      `ipv4Address` or `ipv6Address` is not an IP address. Only objects stored before the admission
      rule can get here
      """),
  StaticAddressOnDefaultBridge(
      Phase.Error,
      """
      Docker's default `bridge` network does not support static addresses: use a DockerNetwork with
      a configured subnet
      """),
  NoConfiguredSubnet(
      Phase.Error,
      """
      the network has no configured subnet of the address's IP version: Docker accepts a static
      address only on networks with user-configured subnets. Set `ipam.config` on the DockerNetwork
      """),
  AddressOutsideSubnets(
      Phase.Error,
      """
      the static address is outside every subnet of the network (the message lists them); checked
      before Docker is asked, as Engines word this differently
      """),
  AddressIsNetworkAddress(
      Phase.Error,
      """
      the static address is the network address of its subnet (`.0` of a `/24`); choose a host
      address
      """),
  AddressIsBroadcast(
      Phase.Error,
      """
      the static address is the broadcast address of its IPv4 subnet (`.255` of a `/24`); choose a
      host address
      """),
  AddressIsGateway(
      Phase.Error,
      """
      the static address is the subnet's gateway (with no gateway configured, Docker keeps the first
      address for the bridge); choose another
      """),
  AddressReserved(
      Phase.Error,
      "aux address",
      """
      the static address is one of the network's `auxAddresses` (the message names it); choose
      another
      """),
  ConnectRejected(
      Phase.Error,
      "the previous endpoint was put back",
      """
      Docker refused the connect; the message has its answer. On a reconnect (changed spec) the
      previous endpoint was put back as it was. Retried with backoff
      """),
  ReconnectFailed(
      Phase.Error,
      "and putting the previous endpoint back failed: kept in `journal`, retried",
      """
      Docker refused the changed endpoint, and putting the previous one back failed too; the message
      has both answers. The previous endpoint is kept in the report's `journal`, and the agent
      retries the change, then the way back
      """),
  NetworkRecreateStalled(
      Phase.Error,
      "its network's replacement has taken over 5 minutes",
      """
      its network has been in replacement for over 5 minutes, and nothing is connected until it is
      finished; the DockerNetwork's report for that node says what holds it up
      (`EndpointsNotRestored`, `RollbackFailed`, ...)
      """),
  DisconnectRejected(
      Phase.Error,
      """
      Docker refused to disconnect the container when the attachment was deleted or no longer
      selects the node; the message has its answer. Retried with backoff; the node's finalizer
      stays until it is done
      """),
  ContainerNameNotExact(
      Phase.Error,
      """
      `spec.container` matches the container only as an ID prefix, so another container could
      answer to it later; name it by its full name or full ID
      """),
  ContainerNotOptedIn(
      Phase.Error,
      """
      the cluster attaches only containers that opt in, and this one lacks the Docker label
      `io.dockernet.attachable=true` (`docker run --label io.dockernet.attachable=true ...`; or an
      admin sets chart value `attachmentPolicy.mode: Open`)
      """),
  DefaultBridgeNotAllowed(
      Phase.Error,
      """
      the cluster does not allow connecting containers to Docker's default `bridge` network, which
      gives them a way out of the node; use a DockerNetwork, or an admin allows it (chart value
      `attachmentPolicy.allowDefaultBridge`)
      """),
  AliasTaken(
      Phase.Error,
      """
      an alias is the name of another container on that network: it would take that container's DNS
      name. Choose another alias
      """);

  private final Phase phase;
  private final String summary;
  private final String help;

  AttachmentReason(Phase phase, String help) {
    this(phase, "", help);
  }

  AttachmentReason(Phase phase, String summary, String help) {
    this.phase = phase;
    this.summary = summary;
    this.help = ReportReason.paragraph(help);
  }

  @Override
  public Phase phase() {
    return phase;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public String help() {
    return help;
  }
}
