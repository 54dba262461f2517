package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.NodeReason;
import io.dockernet.operator.node.ReportReason;

/**
 * The reasons a node's DockerNetwork report ({@code DockerNetworkNodeState}) gives, besides those
 * both kinds share ({@link NodeReason}).
 */
public enum NetworkReason implements ReportReason {
  NetworkReady(
      Phase.Ready,
      """
      the Docker network on that node matches the spec; the report has its `networkId`, `subnets`,
      `gateways`, `bridge` and the `containers` attached to it
      """),
  Adopted(
      Phase.Ready,
      """
      a network of that name the operator did not create matches the spec and was taken over
      (`adoptionPolicy: IfMatches`; `adopted: true`): it is now managed like one the operator
      created, deletion included (unless `deletionPolicy: Orphan`)
      """),
  Replacing(
      Phase.Pending,
      "a replacement under way; `journal` lists the endpoints to put back",
      """
      a replacement is under way (a change Docker cannot make in place, or `adoptionPolicy:
      Recreate`): the network is removed and created again, and `journal.endpoints` lists the
      endpoints to put back. If it stays, the replacement is not finished: `kubectl get dnetns
      NET.NODE -o yaml` shows `journal.endpoints` with each endpoint's state and the reason it is
      not back. The agent retries; it never drops the journal while an endpoint is missing
      """),
  Recreated(
      Phase.Pending,
      """
      a replacement finished, but Docker did not list the new network right after; the next pass
      looks again (and creates it if it is gone). A finished replacement is also an Event of this
      name
      """),
  AdoptedByRecreate(
      Phase.Pending,
      """
      a network the operator did not create was replaced as `adoptionPolicy: Recreate` asks, but
      Docker did not list the new one right after; the next pass looks again. A finished adoption is
      also an Event of this name
      """),
  RecreateRequired(
      Phase.OutOfSync,
      "recreatePolicy Never; `differences` lists each field, `plan` what a replacement would do",
      """
      `recreatePolicy: Never` and the spec differs from Docker; `differences` lists each field
      (`plan` shows what a replacement would do). Switch to `Auto` to let the operator recreate and
      reconnect
      """),
  NetworkExists(
      Phase.Conflict,
      "foreign network, adoption not allowed; or one appeared during a replacement",
      """
      a network of that name exists on the node and the operator did not create it; it is left
      alone. Remove or rename it, or set `adoptionPolicy: IfMatches` (take it over if it matches) or
      `Recreate`. During a replacement it means such a network appeared after the old one was
      removed: the endpoints to put back stay in `journal`, and the replacement goes on once it is
      gone
      """),
  NetworkMismatch(
      Phase.Conflict,
      "IfMatches, but it differs",
      """
      `adoptionPolicy: IfMatches`, but the network of that name, which the operator did not create,
      differs from the spec; `differences` lists each field. Make the spec match it, or set
      `adoptionPolicy: Recreate` to have it replaced
      """),
  NetworkOwnedByOther(
      Phase.Conflict,
      """
      the Docker network of that name belongs to another DockerNetwork (the message names it); two
      objects cannot manage one network. Give one of them another `networkName`, or delete it
      """),
  PoolOverlap(
      Phase.Error,
      """
      another network on that node already uses an overlapping subnet; the message names Docker's
      refusal. `docker network ls` + `inspect` on the node shows which
      """),
  BridgeNameTaken(
      Phase.Error,
      "also refused before a replacement disconnects anything",
      """
      `com.docker.network.bridge.name` is another network's bridge (e.g. `docker0`); checked before
      a replacement disconnects anything too
      """),
  DriverUnsupported(
      Phase.Error,
      """
      Docker on that node has no network driver of that name (no such plugin); the message has
      Docker's answer. Install the driver plugin there, or keep the network to nodes that have it
      (`nodeSelector`)
      """),
  CreateRejected(
      Phase.Error,
      """
      Docker refused to create the network; the message has its answer (e.g. `enableIPv6` without
      an IPv6 pool on Engines before 28). Fix what it names; retried with backoff
      """),
  StaleEngineNetwork(
      Phase.Error,
      """
      Docker refuses the subnet because of a network its API does not list: a daemon stopped in the
      middle of creating a network can keep it in its bridge driver (moby/moby#27975), and
      restarting does not drop it. The message names its ID. Stop the daemon and remove the entry
      `docker/network/v1.0/bridge/<ID>` from `/var/lib/docker/network/files/local-kv.db` (or, if
      the node has no other user-defined networks, the whole file), then start it; or use another
      subnet
      """),
  RecreateRefused(
      Phase.Error,
      "Docker refused the change; the network is back as it was, not retried until the spec changes",
      """
      Docker refused the changed network on that node; the message has its answer. The network was
      put back as it was with every endpoint, and the change is not tried again until you change
      the spec. `plan` shows what the replacement does
      """),
  EndpointsNotRestored(
      Phase.Error,
      "some endpoints not back yet: kept in `journal`, retried",
      """
      a replacement is not finished: some endpoints are not back yet. `kubectl get dnetns NET.NODE
      -o yaml` shows `journal.endpoints` with each endpoint's state and the reason it is not back.
      The agent retries; it never drops the journal while an endpoint is missing
      """),
  RollbackFailed(
      Phase.Error,
      """
      Docker refused the changed network, then refused to put the old one back too; the message has
      both answers. The endpoints to put back stay in `journal` and the agent retries, so the old
      network returns with every endpoint once the cause is gone
      """),
  RemoveRejected(
      Phase.Error,
      """
      Docker refused to remove the network (the object was deleted, or no longer selects the node);
      the message has its answer. Retried with backoff; the node's finalizer stays until it is gone
      """),
  InvalidSubnet(
      Phase.Error,
      "host bits, in an object stored before admission refused them",
      """
      a subnet or ipRange has host bits (`198.18.37.5/24`); the message gives the network address to
      write instead. Only objects stored before the admission rule can get here
      """),
  ParentInterfaceNotAllowed(
      Phase.Error,
      """
      a macvlan/ipvlan `parent` the cluster does not allow: it would put containers on that
      interface's LAN. Use an allowed one (the message lists them), or an admin adds it to chart
      value `nodeGuard.allowedParentInterfaces` (`eth1` also allows `eth1.<vlan>`)
      """),
  HostInterfaceProtected(
      Phase.Error,
      """
      `com.docker.network.bridge.name` is an interface of the node that no Docker network owns
      (`cni0`, `br0`, the uplink): Docker would take it over, adding addresses and iptables rules.
      Choose another bridge name
      """),
  SubnetOverlapsHost(
      Phase.Error,
      """
      a subnet overlaps one of the node's own addresses or routes (the message names the
      interface): a competing route would cut the node off from that network. Choose another subnet
      """),
  SubnetOverlapsCluster(
      Phase.Error,
      """
      a subnet overlaps the cluster's pod or service network (chart value `nodeGuard.clusterCidrs`):
      the node would route that traffic to Docker instead of to pods or services. Choose another
      subnet
      """),
  HostNetworkUnreadable(
      Phase.Error,
      """
      the agent is set to check bridge names and subnets against the node's interfaces and routes
      and cannot read them (the message says where and why); what cannot be checked is refused. The
      agent needs the node's PID namespace (chart value `agent.hostPID`)
      """),
  ProtectedNetwork(
      Phase.Error,
      """
      `adoptionPolicy: Recreate` of a network that Docker itself (`bridge`, `host`, `none`,
      `docker_gwbridge`, `ingress`) or a Docker Compose project owns: it would be replaced under its
      owner. Use another `networkName`, or an admin allows it (chart value
      `nodeGuard.allowRecreateOfDockerNetworks`)
      """),
  ForeignEndpoints(
      Phase.Blocked,
      "deletion held back by containers the operator does not manage, named in the message",
      """
      deletion waits because containers the operator does not manage are still attached; the
      message names them. `docker network disconnect` them (or delete with `deletionPolicy:
      Orphan`)
      """);

  private final Phase phase;
  private final String summary;
  private final String help;

  NetworkReason(Phase phase, String help) {
    this(phase, "", help);
  }

  NetworkReason(Phase phase, String summary, String help) {
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
