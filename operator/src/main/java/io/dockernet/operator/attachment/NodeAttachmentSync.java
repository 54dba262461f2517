package io.dockernet.operator.attachment;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.PublishedPort;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.docker.EngineCapabilities;
import io.dockernet.operator.ip.Addresses;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.node.NodeOutcome;
import io.dockernet.operator.node.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes one node's Docker daemon connect one container to one network exactly as a
 * ContainerAttachment says, or disconnects it on cleanup. Observe, compare, change only what
 * differs, and describe the result. Transient Docker failures propagate as exceptions (retried with
 * backoff by the caller); refusals and things that must happen first become the report.
 */
final class NodeAttachmentSync {

  /**
   * The Docker network an attachment names, as the DockerNetwork object describes it.
   *
   * @param dockerName the Docker network name on the node
   * @param declared false when no DockerNetwork of that name exists
   * @param deleting the DockerNetwork is being deleted
   * @param specHash the spec-hash label the Docker network has once it matches the DockerNetwork
   *     (null: not managed by a DockerNetwork, e.g. Docker's default bridge)
   * @param configuredSubnets the DockerNetwork configures its subnets (else Docker picked them)
   */
  record Target(
      String dockerName,
      boolean declared,
      boolean deleting,
      String specHash,
      boolean configuredSubnets) {}

  /**
   * Another attachment, created earlier, that asks for the same address or the same container on
   * the same network: it takes precedence on every node where its container exists.
   */
  record Claim(String attachment, String container, String ipv4Address, String ipv6Address) {}

  private final DockerGateway docker;
  private final HostInterfaces hosts;

  NodeAttachmentSync(DockerGateway docker, HostInterfaces hosts) {
    this.docker = docker;
    this.hosts = hosts;
  }

  /** Ensures the container is connected as specified. */
  NodeOutcome<AttachmentNodeStatus> ensure(
      ContainerAttachment ca, Target target, List<Claim> earlier, AttachmentNodeStatus previous) {
    String containerName = DesiredEndpoint.specOf(ca).container;
    EndpointRequest desired = DesiredEndpoint.from(ca);
    AttachmentNodeStatus base = base(ca);
    Optional<Refusal> refused = EngineCapabilities.check(desired, docker.engine());
    if (refused.isPresent()) {
      return refused.get().outcome(base); // before any Docker write
    }
    Optional<ContainerInfo> found = docker.findContainer(containerName);
    if (found.isEmpty()) {
      return NodeOutcome.of(
          base,
          Phase.Waiting,
          "ContainerNotFound",
          "no container " + containerName + " on this node (yet); it is attached when it appears");
    }
    ContainerInfo c = found.get();
    describe(base, c);
    String mode = c.networkMode() == null ? "default" : c.networkMode();
    if (mode.equals("host") || mode.equals("none") || mode.startsWith("container:")) {
      return NodeOutcome.of(
          base,
          Phase.Error,
          "IncompatibleNetworkMode",
          incompatible(c.name(), mode, sharedWith(mode)));
    }
    if (!target.declared()) {
      return NodeOutcome.of(
          base,
          Phase.Waiting,
          "NetworkNotFound",
          "no DockerNetwork named " + DesiredEndpoint.specOf(ca).network);
    }
    NetworkInfo net = docker.findNetwork(target.dockerName()).orElse(null);
    ContainerEndpoint current = net == null ? null : c.networks().get(net.name());
    if (current != null) {
      base.networkId = net.id(); // while connected, the DockerNetwork agent counts it as ours
      if (previous != null
          && previous.endpointId != null
          && previous.endpointId.equals(current.endpointId())) {
        // Still the endpoint this attachment made: whatever is reported below, it stays ours to
        // release. An endpoint it never made (it was there already and the spec is refused) is not.
        base.endpointId = current.endpointId();
      }
    }
    if (target.deleting()) {
      return NodeOutcome.of(
          base,
          Phase.Waiting,
          "NetworkDeleting",
          "DockerNetwork " + DesiredEndpoint.specOf(ca).network + " is being deleted");
    }
    if (net == null) {
      return NodeOutcome.of(
          base,
          Phase.Waiting,
          "NetworkNotOnNode",
          "Docker network "
              + target.dockerName()
              + " does not exist on this node (yet); is the node selected by its DockerNetwork?");
    }
    if (target.specHash() != null
        && ownedByOperator(net)
        && !target.specHash().equals(net.labels().get(Keys.DOCKER_SPEC_HASH))) {
      // The DockerNetwork agent is about to recreate it; once it has, this attachment reconnects.
      return NodeOutcome.of(
          base,
          Phase.Waiting,
          "NetworkRecreating",
          "Docker network " + net.name() + " is being recreated by its DockerNetwork");
    }
    StaticAddresses.Verdict verdict =
        StaticAddresses.check(desired, net, target.configuredSubnets());
    if (verdict.refused()) {
      return NodeOutcome.of(base, Phase.Error, verdict.reason(), verdict.message());
    }
    List<String> warnings = new ArrayList<>(verdict.warnings());
    NodeOutcome<AttachmentNodeStatus> lost =
        yieldToEarlier(ca, c, net, current, desired, earlier, previous, base);
    if (lost != null) {
      return lost;
    }
    if (!c.running()) {
      return NodeOutcome.of(
          base,
          Phase.Waiting,
          "ContainerNotRunning",
          "container " + c.name() + " is not running; it is attached when it starts");
    }
    List<String> differences =
        current == null ? List.of() : DesiredEndpoint.differences(desired, current);
    boolean active =
        current != null && current.endpointId() != null && net.id().equals(current.networkId());
    if (active && differences.isEmpty()) {
      return ready(base, c, net, current, desired, warnings);
    }
    String holder = holderOf(net, c.id(), desired);
    if (holder != null) {
      return addressInUse(base, net, desired, holder);
    }
    if (current != null) {
      try {
        docker.disconnect(net.id(), c.id(), true);
      } catch (DockerNotFoundException gone) {
        // Gone meanwhile: connect below is what is needed anyway.
      }
    }
    try {
      docker.connect(net.id(), c.id(), desired);
    } catch (DockerConflictException e) {
      String taker = holderOf(docker.findNetwork(net.id()).orElse(net), c.id(), desired);
      return taker != null
          ? addressInUse(base, net, desired, taker)
          : NodeOutcome.of(
              base, Phase.Conflict, "ConnectConflict", "Docker refused: " + e.getMessage());
    } catch (DockerRejectedException e) {
      return NodeOutcome.of(
          base, Phase.Error, "ConnectRejected", "Docker refused: " + e.getMessage());
    } catch (DockerNotFoundException e) {
      return NodeOutcome.of(
          base, Phase.Pending, "Vanished", "container or network went away: " + e.getMessage());
    }
    ContainerInfo after = docker.findContainer(c.id()).orElse(c);
    ContainerEndpoint endpoint = after.networks().get(net.name());
    if (endpoint == null || endpoint.endpointId() == null) {
      return NodeOutcome.of(
          base,
          Phase.Pending,
          "NotVerified",
          "connected " + c.name() + " to " + net.name() + " but Docker does not report it yet");
    }
    NodeOutcome<AttachmentNodeStatus> out = ready(base, after, net, endpoint, desired, warnings);
    String where = " (" + describeAddress(endpoint) + ")";
    if (current != null) {
      out.normal(
          "Reconnected",
          "reconnected "
              + c.name()
              + " to "
              + net.name()
              + where
              + ": "
              + String.join("; ", differences.isEmpty() ? List.of("stale") : differences));
    } else if (previous != null
        && previous.phase == Phase.Ready
        && c.id().equals(previous.containerId)) {
      out.warning(
          AgentMetrics.DRIFT_REPAIRED,
          "container "
              + c.name()
              + " had been disconnected from "
              + net.name()
              + " outside the operator; reattached"
              + where);
    } else {
      out.normal("Attached", "connected " + c.name() + " to " + net.name() + where);
    }
    warnings.forEach(w -> out.warning(w.substring(0, w.indexOf(':')), w));
    return out;
  }

  /**
   * An earlier attachment asking for the same address (or the same container) on this network wins
   * wherever its container exists; this one then reports the Conflict and gives back an address it
   * holds, so the outcome does not depend on which agent pass ran first.
   */
  private NodeOutcome<AttachmentNodeStatus> yieldToEarlier(
      ContainerAttachment ca,
      ContainerInfo c,
      NetworkInfo net,
      ContainerEndpoint current,
      EndpointRequest desired,
      List<Claim> earlier,
      AttachmentNodeStatus previous,
      AttachmentNodeStatus base) {
    for (Claim claim : earlier) {
      Optional<ContainerInfo> other =
          claim.container().equals(DesiredEndpoint.specOf(ca).container)
              ? Optional.of(c)
              : docker.findContainer(claim.container());
      if (other.isEmpty()) {
        continue;
      }
      if (other.get().id().equals(c.id())) {
        return NodeOutcome.of(
            base,
            Phase.Conflict,
            "DuplicateAttachment",
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
              && previous != null
              && c.id().equals(previous.containerId)
              && DesiredEndpoint.differences(desired, current).isEmpty();
      if (heldByUs) {
        try {
          docker.disconnect(net.id(), c.id(), true);
        } catch (DockerNotFoundException gone) {
          // Already free.
        }
        base.networkId = null;
      }
      return NodeOutcome.of(
          base,
          Phase.Conflict,
          "AddressClaimed",
          address
              + " on network "
              + net.name()
              + " is also claimed by ContainerAttachment "
              + claim.attachment()
              + " (container "
              + other.get().name()
              + "), created earlier, which takes precedence");
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
  private static String holderOf(NetworkInfo net, String containerId, EndpointRequest desired) {
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

  private static boolean sameAddress(String wanted, String cidr) {
    return wanted != null && cidr != null && wanted.equals(DesiredEndpoint.canonical(cidr));
  }

  private static NodeOutcome<AttachmentNodeStatus> addressInUse(
      AttachmentNodeStatus base, NetworkInfo net, EndpointRequest desired, String holder) {
    String address = desired.ipv4Address() != null ? desired.ipv4Address() : desired.ipv6Address();
    return NodeOutcome.of(
        base,
        Phase.Conflict,
        "AddressInUse",
        address + " on network " + net.name() + " is already in use by container " + holder);
  }

  /**
   * Disconnects what this attachment connected on this node: the endpoint its last report names,
   * or, when that is gone or was never reported (the agent stopped between connecting and
   * reporting; the network was recreated under a new ID and the endpoint restored there), the
   * container's endpoint on the target network if it is exactly what the spec declares, which is
   * what {@link #ensure} would have adopted. Other endpoints of the container, an endpoint the
   * attachment was refused on, and other containers are never touched.
   */
  NodeOutcome<AttachmentNodeStatus> release(
      ContainerAttachment ca, Target target, AttachmentNodeStatus previous, String why) {
    NodeOutcome<AttachmentNodeStatus> done =
        NodeOutcome.of(base(ca), Phase.Deleting, why, "released");
    done.released = true;
    Optional<Connected> made =
        (previous != null && previous.endpointId != null
                ? reported(previous)
                : Optional.<Connected>empty())
            .or(() -> declared(ca, target, previous));
    if (made.isEmpty()) {
      return done;
    }
    try {
      docker.disconnect(made.get().networkId(), made.get().container().id(), true);
    } catch (DockerNotFoundException gone) {
      return done;
    } catch (DockerConflictException | DockerRejectedException e) {
      return NodeOutcome.of(
          base(ca), Phase.Error, "DisconnectRejected", "Docker refused: " + e.getMessage());
    }
    return done.normal(
        "Detached",
        "disconnected "
            + made.get().container().name()
            + " from network "
            + shortId(made.get().networkId()));
  }

  /** A container's endpoint on a network, found on the node. */
  private record Connected(ContainerInfo container, String networkId) {}

  /** The reported endpoint, if the container is still on that network. */
  private Optional<Connected> reported(AttachmentNodeStatus previous) {
    if (previous.networkId == null || previous.containerId == null) {
      return Optional.empty();
    }
    return docker
        .findContainer(previous.containerId)
        .filter(
            c ->
                c.networks().values().stream()
                    .anyMatch(e -> previous.networkId.equals(e.networkId())))
        .map(c -> new Connected(c, previous.networkId));
  }

  /**
   * The container's endpoint on the target network, if it is exactly the declared one and this
   * attachment may have made it: no report yet, or one that had an endpoint (the network may have
   * been recreated since, under a new ID) or was only waiting. After a refusal or a lost conflict
   * (Error, Conflict) whatever is there belongs to someone else.
   */
  private Optional<Connected> declared(
      ContainerAttachment ca, Target target, AttachmentNodeStatus previous) {
    boolean mayBeOurs =
        previous == null
            || previous.phase == null
            || previous.endpointId != null
            || previous.phase == Phase.Ready
            || previous.phase == Phase.Waiting
            || previous.phase == Phase.Pending;
    if (!mayBeOurs) {
      return Optional.empty();
    }
    Optional<NetworkInfo> net = docker.findNetwork(target.dockerName());
    Optional<ContainerInfo> c = docker.findContainer(DesiredEndpoint.specOf(ca).container);
    if (net.isEmpty() || c.isEmpty()) {
      return Optional.empty();
    }
    ContainerEndpoint current = c.get().networks().get(net.get().name());
    if (current == null
        || !DesiredEndpoint.differences(DesiredEndpoint.from(ca), current).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Connected(c.get(), net.get().id()));
  }

  private NodeOutcome<AttachmentNodeStatus> ready(
      AttachmentNodeStatus base,
      ContainerInfo c,
      NetworkInfo net,
      ContainerEndpoint endpoint,
      EndpointRequest desired,
      List<String> warnings) {
    base.networkId = net.id();
    base.endpointId = endpoint.endpointId();
    base.ipv4Address = endpoint.ipv4Address();
    base.ipv4PrefixLength = endpoint.ipv4PrefixLength() > 0 ? endpoint.ipv4PrefixLength() : null;
    base.ipv6Address = endpoint.ipv6Address();
    base.ipv6PrefixLength = endpoint.ipv6PrefixLength() > 0 ? endpoint.ipv6PrefixLength() : null;
    base.macAddress = endpoint.macAddress();
    base.gateway = endpoint.gateway() != null ? endpoint.gateway() : endpoint.ipv6Gateway();
    base.bridge = bridgeOf(net);
    base.hostInterface = hosts.hostInterfaceOf(c.pid(), endpoint.macAddress()).orElse(null);
    if (desired.macAddress() != null
        && !desired.macAddress().equalsIgnoreCase(Objects.toString(endpoint.macAddress(), ""))) {
      warnings.add(
          "MacAddressIgnored: Docker assigned "
              + endpoint.macAddress()
              + " instead of "
              + desired.macAddress()
              + " (Docker Engines ignore the MAC address on connect before API 1.54)");
    }
    base.warnings = warnings.isEmpty() ? null : List.copyOf(warnings);
    String message =
        "container "
            + c.name()
            + " is attached to "
            + net.name()
            + " at "
            + describeAddress(endpoint);
    if (!warnings.isEmpty()) {
      message += "; warning: " + String.join("; ", warnings);
    }
    return NodeOutcome.of(base, Phase.Ready, "Attached", message);
  }

  private static String describeAddress(ContainerEndpoint e) {
    List<String> parts = new ArrayList<>();
    if (e.ipv4Address() != null) {
      parts.add(e.ipv4Address() + "/" + e.ipv4PrefixLength());
    }
    if (e.ipv6Address() != null) {
      parts.add(e.ipv6Address() + "/" + e.ipv6PrefixLength());
    }
    return parts.isEmpty() ? "no address" : String.join(", ", parts);
  }

  /** Docker records {@code container:NAME} as {@code container:ID}: name it as users know it. */
  private String sharedWith(String mode) {
    if (!mode.startsWith("container:")) {
      return null;
    }
    String ref = mode.substring("container:".length());
    return docker
        .findContainer(ref)
        .map(o -> o.name() + " (" + shortId(o.id()) + ")")
        .orElse(ref + " (no longer exists)");
  }

  private static String incompatible(String container, String mode, String sharedWith) {
    if (sharedWith != null) {
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

  private static boolean ownedByOperator(NetworkInfo net) {
    Map<String, String> labels = net.labels() == null ? Map.of() : net.labels();
    return Keys.DOCKER_MANAGED_BY_VALUE.equals(labels.get(Keys.DOCKER_MANAGED_BY));
  }

  /** The Linux bridge Docker made: the bridge.name option, or br- plus the ID's first 12 chars. */
  static String bridgeOf(NetworkInfo network) {
    if (!"bridge".equals(network.driver())) {
      return null;
    }
    String named =
        network.options() == null ? null : network.options().get("com.docker.network.bridge.name");
    return named != null ? named : "br-" + shortId(network.id());
  }

  private static AttachmentNodeStatus base(ContainerAttachment ca) {
    AttachmentNodeStatus s = new AttachmentNodeStatus();
    s.containerAttachment = ca.getMetadata().getName();
    s.observedGeneration = ca.getMetadata().getGeneration();
    return s;
  }

  private static void describe(AttachmentNodeStatus s, ContainerInfo c) {
    s.containerId = c.id();
    s.containerName = c.name();
    s.networkMode = c.networkMode();
    List<String> ports =
        c.ports().stream().filter(p -> p.hostPort() != null).map(NodeAttachmentSync::port).toList();
    s.publishedPorts = ports.isEmpty() ? null : ports;
  }

  /** As `docker ps` shows it: 0.0.0.0:43000->80/tcp. */
  private static String port(PublishedPort p) {
    String host = p.hostIp() == null ? "" : Addresses.canonicalAddress(p.hostIp());
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return host + ":" + p.hostPort() + "->" + p.containerPort() + "/" + p.protocol();
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
