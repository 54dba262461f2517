package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.AdoptionPolicy;
import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.NetworkNodeStatus;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.api.v1alpha1.RecreatePolicy;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.node.NodeOutcome;
import io.dockernet.operator.node.Refusal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes one node's Docker daemon match one DockerNetwork, or cleans it up. Observe, compare, change
 * only what differs, and describe the result; never touch a network the operator does not own
 * unless the object's adoptionPolicy says so. Transient Docker failures propagate as exceptions
 * (retried with backoff by the caller); refusals become the report.
 */
final class NodeNetworkSync {

  private static final String BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";
  private static final Pattern CONFLICTS_WITH =
      Pattern.compile("conflicts with network ([0-9a-f]{64})");

  private final DockerGateway docker;
  private final NetworkRecreator recreator;

  NodeNetworkSync(DockerGateway docker) {
    this.docker = docker;
    this.recreator = new NetworkRecreator(docker);
  }

  /**
   * Ensures the network exists as specified.
   *
   * @param previous this node's last report, or null
   * @param liveOwner tells whether a DockerNetwork with the given UID still exists
   */
  NodeOutcome<NetworkNodeStatus> ensure(
      DockerNetwork dn, NetworkNodeStatus previous, Predicate<String> liveOwner) {
    return ensure(dn, previous, liveOwner, () -> (network, container) -> false);
  }

  /**
   * @param attached reads which container (ID) endpoints on which network (ID) ContainerAttachments
   *     made; a recreate leaves those endpoints to their attachments
   */
  NodeOutcome<NetworkNodeStatus> ensure(
      DockerNetwork dn,
      NetworkNodeStatus previous,
      Predicate<String> liveOwner,
      Supplier<BiPredicate<String, String>> attached) {
    DockerNetworkSpec spec = DesiredNetwork.specOf(dn);
    NetworkRequest desired = DesiredNetwork.from(dn);
    Optional<Refusal> refused = NetworkPreflight.check(desired, docker.engine());
    if (refused.isPresent()) {
      return refused.get().outcome(base(dn, null)); // before any Docker write
    }
    Optional<NetworkInfo> found = docker.findNetwork(desired.name());
    if (found.isEmpty()) {
      return create(dn, desired, previous);
    }
    NetworkInfo actual = found.get();
    Ownership ownership = Ownership.of(actual, dn.getMetadata().getUid(), previous);
    if (ownership == Ownership.OTHER_OBJECT && liveOwner.test(Ownership.ownerUidOf(actual))) {
      return NodeOutcome.of(
          base(dn, actual),
          Phase.Conflict,
          "NetworkOwnedByOther",
          "Docker network "
              + desired.name()
              + " belongs to another DockerNetwork ("
              + actual.labels().get(io.dockernet.operator.Keys.DOCKER_OWNER_NAME)
              + "); two objects cannot manage one network");
    }
    if (!ownership.mine()) {
      return foreign(dn, spec, desired, actual);
    }
    List<String> differences =
        NetworkDifferences.between(spec, desired, actual, ownership == Ownership.OURS);
    if (differences.isEmpty()) {
      NodeOutcome<NetworkNodeStatus> ready = ready(dn, actual, ownership == Ownership.ADOPTED);
      return ready;
    }
    if (spec.recreatePolicy == RecreatePolicy.Never) {
      NodeOutcome<NetworkNodeStatus> out =
          NodeOutcome.of(
              base(dn, actual),
              Phase.OutOfSync,
              "RecreateRequired",
              "the spec differs from the Docker network and recreatePolicy is Never: "
                  + String.join("; ", differences));
      out.report.differences = differences;
      out.report.adopted = ownership == Ownership.ADOPTED ? true : null;
      return out;
    }
    return recreate(dn, actual, desired, differences, "Recreated", attached);
  }

  private NodeOutcome<NetworkNodeStatus> create(
      DockerNetwork dn, NetworkRequest desired, NetworkNodeStatus previous) {
    Optional<NodeOutcome<NetworkNodeStatus>> taken = bridgeTaken(dn, desired, null);
    if (taken.isPresent()) {
      return taken.get();
    }
    try {
      docker.createNetwork(desired);
    } catch (DockerConflictException | DockerRejectedException e) {
      Optional<String> stale = unlistedConflictingNetwork(e);
      if (stale.isPresent()) {
        return NodeOutcome.of(
            base(dn, null),
            Phase.Error,
            "StaleEngineNetwork",
            "Docker refused: "
                + e.getMessage()
                + "; network "
                + stale.get()
                + " is not listed by the Engine: a daemon stopped while creating a network can"
                + " keep it in its bridge driver (moby/moby#27975), holding that subnet until it is"
                + " removed from the Engine's network store (see README, troubleshooting)");
      }
      return NodeOutcome.of(
          base(dn, null),
          Phase.Error,
          CreateFailureReason.of(e),
          "Docker refused: " + e.getMessage());
    }
    NetworkInfo created = docker.findNetwork(desired.name()).orElseThrow();
    NodeOutcome<NetworkNodeStatus> out = ready(dn, created, false);
    if (previous != null && previous.networkId != null) {
      out.warning(
          AgentMetrics.DRIFT_REPAIRED,
          "Docker network "
              + desired.name()
              + " had been removed outside the operator on node "
              + previous.nodeName
              + "; created it again");
    } else {
      out.normal(
          "Created",
          "created Docker network " + desired.name() + " (" + shortId(created.id()) + ")");
    }
    return out;
  }

  private NodeOutcome<NetworkNodeStatus> foreign(
      DockerNetwork dn, DockerNetworkSpec spec, NetworkRequest desired, NetworkInfo actual) {
    AdoptionPolicy policy =
        spec.adoptionPolicy == null ? AdoptionPolicy.Never : spec.adoptionPolicy;
    switch (policy) {
      case IfMatches -> {
        List<String> differences = NetworkDifferences.between(spec, desired, actual, false);
        if (differences.isEmpty()) {
          return ready(dn, actual, true)
              .normal("Adopted", "took over existing Docker network " + desired.name());
        }
        NodeOutcome<NetworkNodeStatus> out =
            NodeOutcome.of(
                base(dn, actual),
                Phase.Conflict,
                "NetworkMismatch",
                "existing Docker network "
                    + desired.name()
                    + " was not created by the operator and differs from the spec: "
                    + String.join("; ", differences));
        out.report.differences = differences;
        return out;
      }
      case Recreate -> {
        return recreate(
            dn,
            actual,
            desired,
            NetworkDifferences.between(spec, desired, actual, false),
            "AdoptedByRecreate",
            () -> (network, container) -> false); // nothing of ours is on a foreign network
      }
      default -> {
        return NodeOutcome.of(
            base(dn, actual),
            Phase.Conflict,
            "NetworkExists",
            "a Docker network named "
                + desired.name()
                + " ("
                + shortId(actual.id())
                + ") exists on this node and was not created by dockernet-operator; set"
                + " adoptionPolicy IfMatches or Recreate to take it over");
      }
    }
  }

  private NodeOutcome<NetworkNodeStatus> recreate(
      DockerNetwork dn,
      NetworkInfo actual,
      NetworkRequest desired,
      List<String> differences,
      String reason,
      Supplier<BiPredicate<String, String>> attached) {
    Optional<NodeOutcome<NetworkNodeStatus>> taken = bridgeTaken(dn, desired, actual.id());
    if (taken.isPresent()) {
      return taken.get();
    }
    NetworkRecreator.Result result;
    try {
      result = recreator.recreate(actual, desired, attached);
    } catch (DockerConflictException | DockerRejectedException e) {
      return NodeOutcome.of(
          base(dn, null),
          Phase.Error,
          CreateFailureReason.of(e),
          "recreating the network failed: " + e.getMessage());
    }
    NetworkInfo created = docker.findNetwork(result.networkId()).orElseThrow();
    String what =
        "recreated Docker network "
            + desired.name()
            + (differences.isEmpty() ? "" : " (" + String.join("; ", differences) + ")")
            + " and reconnected "
            + (actual.endpoints().size()
                - result.notRestored().size()
                - result.leftToAttachments().size())
            + " container(s)"
            + (result.leftToAttachments().isEmpty()
                ? ""
                : "; their ContainerAttachments reconnect "
                    + String.join(", ", result.leftToAttachments()));
    if (!result.notRestored().isEmpty()) {
      String names = String.join(", ", result.notRestored());
      return NodeOutcome.of(
              base(dn, created),
              Phase.Error,
              "EndpointsNotRestored",
              what + "; could not reconnect: " + names)
          .warning("EndpointsNotRestored", what + "; could not reconnect: " + names);
    }
    return ready(dn, created, false).normal(reason, what);
  }

  /**
   * Removes the network from this node (per deletionPolicy). Endpoints of containers the operator
   * attached are disconnected; any other container still attached blocks removal and is named.
   *
   * @param managedContainers tells whether the operator attached a container (ID) to a network (ID)
   */
  NodeOutcome<NetworkNodeStatus> release(
      DockerNetwork dn,
      NetworkNodeStatus previous,
      BiPredicate<String, String> managedContainers,
      String why) {
    DockerNetworkSpec spec = DesiredNetwork.specOf(dn);
    String name = dn.dockerName();
    NodeOutcome<NetworkNodeStatus> done =
        NodeOutcome.of(base(dn, null), Phase.Deleting, why, "released");
    done.released = true;
    if (spec.deletionPolicy == DeletionPolicy.Orphan) {
      return done;
    }
    Optional<NetworkInfo> found = docker.findNetwork(name);
    if (found.isEmpty()) {
      return done;
    }
    NetworkInfo actual = found.get();
    if (!Ownership.of(actual, dn.getMetadata().getUid(), previous).mine()) {
      return done;
    }
    List<NetworkEndpoint> foreign =
        actual.endpoints().stream()
            .filter(e -> !managedContainers.test(actual.id(), e.containerId()))
            .toList();
    if (!foreign.isEmpty()) {
      String names =
          String.join(", ", foreign.stream().map(NetworkEndpoint::containerName).toList());
      return NodeOutcome.of(
              base(dn, actual),
              Phase.Blocked,
              "ForeignEndpoints",
              "not removing Docker network "
                  + name
                  + ": containers the operator does not manage are still attached: "
                  + names
                  + ". Disconnect them, or set deletionPolicy Orphan")
          .warning("DeletionBlocked", "containers still attached on node: " + names);
    }
    for (NetworkEndpoint e : actual.endpoints()) {
      try {
        docker.disconnect(actual.id(), e.containerId(), true);
      } catch (DockerNotFoundException gone) {
        // Already gone.
      }
    }
    try {
      docker.removeNetwork(actual.id());
    } catch (DockerNotFoundException gone) {
      // Someone else removed it meanwhile: the goal is reached.
    } catch (DockerConflictException | DockerRejectedException e) {
      return NodeOutcome.of(
          base(dn, actual), Phase.Error, "RemoveRejected", "Docker refused: " + e.getMessage());
    }
    return done;
  }

  private NodeOutcome<NetworkNodeStatus> ready(
      DockerNetwork dn, NetworkInfo actual, boolean adopted) {
    NodeOutcome<NetworkNodeStatus> out =
        NodeOutcome.of(
            base(dn, actual),
            Phase.Ready,
            adopted ? "Adopted" : "NetworkReady",
            "Docker network " + actual.name() + " matches the spec");
    out.report.adopted = adopted ? true : null;
    return out;
  }

  /** The parts of a report every outcome shares: identity and what the daemon has. */
  private static NetworkNodeStatus base(DockerNetwork dn, NetworkInfo actual) {
    NetworkNodeStatus s = new NetworkNodeStatus();
    s.dockerNetwork = dn.getMetadata().getName();
    s.networkName = dn.dockerName();
    s.observedGeneration = dn.getMetadata().getGeneration();
    if (actual != null) {
      s.networkId = actual.id();
      s.driver = actual.driver();
      List<IpamPool> pools =
          actual.ipam() == null || actual.ipam().pools() == null
              ? List.of()
              : actual.ipam().pools();
      s.subnets = pools.stream().map(IpamPool::subnet).toList();
      s.gateways =
          pools.stream().map(IpamPool::gateway).filter(g -> g != null && !g.isEmpty()).toList();
      s.bridge = bridgeOf(actual);
      s.containers =
          actual.endpoints().stream().map(NetworkEndpoint::containerName).sorted().toList();
    }
    return s;
  }

  /**
   * Refuses a bridge name that is already another network's bridge on this node. Engine 20.10
   * checks this among user-defined networks only: asked for {@code docker0}, it creates the network
   * on the default bridge's device (adding its own address to it), and removing that network leaves
   * the default {@code bridge} network unusable ("network ... does not exist") until the daemon
   * restarts. So the operator never asks.
   *
   * @param replacing the ID of the network about to be replaced (its bridge may be reused), or null
   */
  /**
   * The ID of the network a refused create "conflicts with", when the Engine itself does not list
   * it: not the admin's network, not ours, but one the Engine lost track of.
   */
  private Optional<String> unlistedConflictingNetwork(RuntimeException refusal) {
    Matcher m = CONFLICTS_WITH.matcher(String.valueOf(refusal.getMessage()));
    if (!m.find() || docker.findNetwork(m.group(1)).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(m.group(1));
  }

  private Optional<NodeOutcome<NetworkNodeStatus>> bridgeTaken(
      DockerNetwork dn, NetworkRequest desired, String replacing) {
    String bridge = desired.options().get(BRIDGE_NAME_OPTION);
    if (bridge == null || !"bridge".equals(desired.driver())) {
      return Optional.empty();
    }
    return docker.listNetworks(Map.of()).stream()
        .filter(n -> !n.id().equals(replacing) && bridge.equals(bridgeOf(n)))
        .findFirst()
        .map(
            holder ->
                NodeOutcome.of(
                    base(dn, null),
                    Phase.Error,
                    "BridgeNameTaken",
                    "bridge name "
                        + bridge
                        + " is the bridge of Docker network "
                        + holder.name()
                        + " on this node; choose another com.docker.network.bridge.name"));
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

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
