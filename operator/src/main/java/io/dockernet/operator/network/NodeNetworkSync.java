package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;
import static io.dockernet.operator.network.NetworkReports.ready;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AdoptionPolicy;
import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot.State;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.api.v1alpha1.NetworkNodeStatus;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.api.v1alpha1.RecreatePolicy;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.network.NetworkRecreator.JournalStore;
import io.dockernet.operator.network.NetworkRecreator.Result;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.NodeOutcome;
import io.dockernet.operator.node.Refusal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes one node's Docker daemon match one DockerNetwork, or cleans it up. Observe, compare, change
 * only what differs, and describe the result; never touch a network the operator does not own
 * unless the object's adoptionPolicy says so. A change Docker can only make by replacing the
 * network runs from a journal saved in the node's report first ({@link NetworkRecreator}), and an
 * unfinished one is resumed before anything else. Transient Docker failures propagate as exceptions
 * (retried with backoff by the caller); refusals become the report.
 */
final class NodeNetworkSync {

  private static final Pattern CONFLICTS_WITH =
      Pattern.compile("conflicts with network ([0-9a-f]{64})");

  private final DockerGateway docker;
  private final NetworkGuard guard;
  private final NetworkRecreator recreator;
  private final NodeGuard nodeGuard;

  /** With the cluster's default node policy and no host facts (tests). */
  NodeNetworkSync(DockerGateway docker) {
    this(docker, new NetworkGuard(), NodeGuard.of(NodePolicy.DEFAULTS));
  }

  NodeNetworkSync(DockerGateway docker, NodeGuard nodeGuard) {
    this(docker, new NetworkGuard(), nodeGuard);
  }

  NodeNetworkSync(DockerGateway docker, NetworkGuard guard, NodeGuard nodeGuard) {
    this.docker = docker;
    this.guard = guard;
    this.nodeGuard = nodeGuard;
    this.recreator = new NetworkRecreator(docker);
  }

  /** As {@link #ensure(DockerNetwork, NetworkNodeStatus, Predicate, Supplier, JournalStore)}. */
  NodeOutcome<NetworkNodeStatus> ensure(
      DockerNetwork dn, NetworkNodeStatus previous, Predicate<String> liveOwner) {
    return ensure(dn, previous, liveOwner, () -> AttachedEndpoints.NONE, journal -> {});
  }

  /**
   * Ensures the network exists as specified.
   *
   * @param previous this node's last report, or null
   * @param liveOwner tells whether a DockerNetwork with the given UID still exists
   * @param attached the endpoints ContainerAttachments made on this node (read when needed)
   * @param store saves a replacement's journal in this node's report
   */
  NodeOutcome<NetworkNodeStatus> ensure(
      DockerNetwork dn,
      NetworkNodeStatus previous,
      Predicate<String> liveOwner,
      Supplier<AttachedEndpoints> attached,
      JournalStore store) {
    NetworkRequest desired = DesiredNetwork.from(dn);
    if (previous != null && previous.journal != null) {
      // Endpoints a replacement took off come back first, whatever else is now refused.
      NodeOutcome<NetworkNodeStatus> resumed = resume(dn, previous.journal, attached, store);
      if (resumed.report.journal != null || resumed.report.phase != Phase.Ready) {
        return resumed;
      }
      previous = resumed.report;
    }
    Optional<Refusal> refused =
        NetworkPreflight.check(desired, docker.engine())
            .or(() -> nodeGuard.check(desired, () -> docker.listNetworks(Map.of())));
    if (refused.isPresent()) {
      return refused.get().outcome(base(dn, null)); // before any Docker write
    }
    DockerNetworkSpec spec = DesiredNetwork.specOf(dn);
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
              + actual.labels().get(Keys.DOCKER_OWNER_NAME)
              + "); two objects cannot manage one network");
    }
    if (!ownership.mine()) {
      return foreign(dn, spec, desired, actual, store);
    }
    List<String> differences =
        NetworkDifferences.between(spec, desired, actual, ownership == Ownership.OURS);
    if (differences.isEmpty()) {
      return ready(dn, actual, ownership == Ownership.ADOPTED);
    }
    boolean adopted = ownership == Ownership.ADOPTED;
    if (spec.recreatePolicy == RecreatePolicy.Never) {
      return unchanged(
          dn,
          actual,
          differences,
          attached,
          Phase.OutOfSync,
          "RecreateRequired",
          "the spec differs from the Docker network and recreatePolicy is Never: "
              + String.join("; ", differences),
          adopted);
    }
    if (previous != null
        && dn.getMetadata().getGeneration() != null
        && dn.getMetadata().getGeneration().equals(previous.refusedGeneration)) {
      NodeOutcome<NetworkNodeStatus> out =
          unchanged(
              dn,
              actual,
              differences,
              attached,
              Phase.Error,
              "RecreateRefused",
              previous.message,
              adopted);
      out.report.refusedGeneration = previous.refusedGeneration;
      return out;
    }
    return replace(dn, actual, desired, differences, "Recreated", attached, store);
  }

  /**
   * Reports what differs and what a replacement would do, changing nothing.
   *
   * @param adopted the network was adopted earlier
   */
  private NodeOutcome<NetworkNodeStatus> unchanged(
      DockerNetwork dn,
      NetworkInfo actual,
      List<String> differences,
      Supplier<AttachedEndpoints> attached,
      Phase phase,
      String reason,
      String message,
      boolean adopted) {
    NodeOutcome<NetworkNodeStatus> out = NodeOutcome.of(base(dn, actual), phase, reason, message);
    out.report.differences = differences;
    out.report.adopted = adopted ? true : null;
    out.report.plan =
        RecreatePreview.of(actual, journalFor(dn, actual, "Recreate", attached.get()), differences);
    return out;
  }

  private NodeOutcome<NetworkNodeStatus> create(
      DockerNetwork dn, NetworkRequest desired, NetworkNodeStatus previous) {
    if (desired.options().containsKey("com.docker.network.bridge.name")) {
      Optional<Refusal> refusal = Preflight.check(desired, docker.listNetworks(Map.of()), null);
      if (refusal.isPresent()) {
        return refusal.get().outcome(base(dn, null));
      }
    }
    try {
      docker.createNetwork(desired);
    } catch (DockerConflictException | DockerRejectedException e) {
      return createRefused(dn, e);
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
          "Created", "created Docker network " + desired.name() + " (" + created.shortId() + ")");
    }
    return out;
  }

  private NodeOutcome<NetworkNodeStatus> createRefused(DockerNetwork dn, DockerException e) {
    Matcher m = CONFLICTS_WITH.matcher(String.valueOf(e.getMessage()));
    if (m.find() && docker.findNetwork(m.group(1)).isEmpty()) {
      // Not the admin's network, not ours, but one the Engine lost track of.
      return NodeOutcome.of(
          base(dn, null),
          Phase.Error,
          "StaleEngineNetwork",
          "Docker refused: "
              + e.getMessage()
              + "; network "
              + m.group(1)
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

  private NodeOutcome<NetworkNodeStatus> foreign(
      DockerNetwork dn,
      DockerNetworkSpec spec,
      NetworkRequest desired,
      NetworkInfo actual,
      JournalStore store) {
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
        Optional<Refusal> owned = nodeGuard.protectedNetwork(actual);
        if (owned.isPresent()) {
          return owned.get().outcome(base(dn, actual));
        }
        // Nothing of ours is on a foreign network: every endpoint on it is put back as it was.
        return replace(
            dn,
            actual,
            desired,
            NetworkDifferences.between(spec, desired, actual, false),
            "AdoptedByRecreate",
            () -> AttachedEndpoints.NONE,
            store);
      }
      default -> {
        return NodeOutcome.of(
            base(dn, actual),
            Phase.Conflict,
            "NetworkExists",
            "a Docker network named "
                + desired.name()
                + " ("
                + actual.shortId()
                + ") exists on this node and was not created by dockernet-operator; set"
                + " adoptionPolicy IfMatches or Recreate to take it over");
      }
    }
  }

  /** Replaces the network from a journal saved first; nothing is touched if Docker would refuse. */
  private NodeOutcome<NetworkNodeStatus> replace(
      DockerNetwork dn,
      NetworkInfo actual,
      NetworkRequest desired,
      List<String> differences,
      String reason,
      Supplier<AttachedEndpoints> attachedEndpoints,
      JournalStore store) {
    Optional<Refusal> refusal =
        Preflight.check(desired, docker.listNetworks(Map.of()), actual.id());
    if (refusal.isPresent()) {
      NodeOutcome<NetworkNodeStatus> out =
          NodeOutcome.of(
              base(dn, actual),
              Phase.Error,
              refusal.get().reason(),
              "not replacing the network, Docker would refuse the new one: "
                  + refusal.get().message());
      out.report.differences = differences;
      return out;
    }
    return guard.replacing(
        desired.name(),
        () -> {
          // Read before looking at the endpoints: an attachment disconnects its endpoint before
          // it deletes its report, so every endpoint seen below is either reported or not ours.
          AttachedEndpoints attached = attachedEndpoints.get();
          NetworkInfo current = docker.findNetwork(actual.id()).orElse(actual);
          NetworkJournal journal =
              journalFor(dn, current, reason.equals("Recreated") ? "Recreate" : "Adopt", attached);
          store.save(journal);
          Result result = recreator.run(journal, desired, attached::live, store);
          return finish(dn, desired, result, reason, differences);
        });
  }

  /** Resumes a replacement an earlier pass (or agent process) left unfinished. */
  private NodeOutcome<NetworkNodeStatus> resume(
      DockerNetwork dn,
      NetworkJournal journal,
      Supplier<AttachedEndpoints> attachedEndpoints,
      JournalStore store) {
    NetworkRequest desired = DesiredNetwork.from(dn);
    return guard.replacing(
        desired.name(),
        () -> {
          Result result = recreator.run(journal, desired, attachedEndpoints.get()::live, store);
          String reason = "Adopt".equals(journal.operation) ? "AdoptedByRecreate" : "Recreated";
          return finish(dn, desired, result, reason, List.of());
        });
  }

  /** The journal a replacement of {@code old} starts with. */
  private NetworkJournal journalFor(
      DockerNetwork dn, NetworkInfo old, String operation, AttachedEndpoints attached) {
    Map<String, ContainerInfo> containers = new HashMap<>();
    for (NetworkEndpoint e : old.endpoints()) {
      docker.findContainer(e.containerId()).ifPresent(c -> containers.put(c.id(), c));
    }
    long generation =
        dn.getMetadata().getGeneration() == null ? 0 : dn.getMetadata().getGeneration();
    return RecreateJournals.start(
        operation, generation, old, containers, id -> attached.attachmentOf(old.id(), id));
  }

  /** The report after a replacement ran as far as it could. */
  private NodeOutcome<NetworkNodeStatus> finish(
      DockerNetwork dn,
      NetworkRequest desired,
      Result result,
      String reason,
      List<String> differences) {
    NetworkInfo now = docker.findNetwork(desired.name()).orElse(null);
    NetworkJournal journal = result.journal();
    guard.unfinished(desired.name(), !result.finished());
    String back = restoredSummary(journal);
    return switch (result.outcome()) {
      case DONE -> {
        String what =
            "replaced Docker network "
                + desired.name()
                + (differences.isEmpty() ? "" : " (" + String.join("; ", differences) + ")")
                + "; "
                + back;
        NodeOutcome<NetworkNodeStatus> out =
            now == null
                ? NodeOutcome.of(base(dn, null), Phase.Pending, reason, what)
                : ready(dn, now, false);
        yield lostOnes(journal).isEmpty()
            ? out.normal(reason, what)
            : out.warning("EndpointsLost", what + "; " + lostOnes(journal));
      }
      case ROLLED_BACK -> {
        String what =
            "the change was refused ("
                + journal.rollback
                + "); the network is back as it was; "
                + back
                + ". Not tried again until the spec changes";
        NodeOutcome<NetworkNodeStatus> out =
            NodeOutcome.of(base(dn, now), Phase.Error, "RecreateRefused", what);
        out.report.refusedGeneration = dn.getMetadata().getGeneration();
        out.report.differences = differences.isEmpty() ? null : differences;
        yield out.warning("RecreateRefused", what);
      }
      case INCOMPLETE, ROLLBACK_FAILED, BLOCKED -> {
        String why =
            switch (result.outcome()) {
              case INCOMPLETE -> "EndpointsNotRestored";
              case ROLLBACK_FAILED -> "RollbackFailed";
              default -> "NetworkExists";
            };
        NodeOutcome<NetworkNodeStatus> out =
            NodeOutcome.of(
                base(dn, now),
                result.outcome() == NetworkRecreator.Outcome.BLOCKED ? Phase.Conflict : Phase.Error,
                why,
                "replacing Docker network "
                    + desired.name()
                    + " is not finished: "
                    + result.message()
                    + "; it is retried, and the endpoints to put back are kept in this report's"
                    + " journal");
        out.report.journal = journal;
        yield out.warning(why, out.report.message);
      }
    };
  }

  private static String restoredSummary(NetworkJournal journal) {
    long restored = journal.endpoints.stream().filter(e -> e.state == State.Restored).count();
    List<String> released =
        journal.endpoints.stream()
            .filter(e -> e.state == State.Released)
            .map(e -> e.containerName)
            .toList();
    return "reconnected "
        + restored
        + " container(s)"
        + (released.isEmpty()
            ? ""
            : "; left off " + String.join(", ", released) + " (their ContainerAttachment went)");
  }

  private static String lostOnes(NetworkJournal journal) {
    List<String> lost =
        journal.endpoints.stream()
            .filter(e -> e.state == State.Lost)
            .map(e -> EndpointSnapshots.describe(e) + ": " + e.message)
            .toList();
    return lost.isEmpty() ? "" : "lost: " + String.join("; ", lost);
  }

  /**
   * Removes the network from this node (per deletionPolicy). Endpoints of containers the operator
   * attached are disconnected; any other container still attached blocks removal and is named. An
   * unfinished replacement is finished first, so that its endpoints are back before anything is
   * judged.
   */
  NodeOutcome<NetworkNodeStatus> release(
      DockerNetwork dn,
      NetworkNodeStatus previous,
      Supplier<AttachedEndpoints> attachedEndpoints,
      JournalStore store,
      String why) {
    if (previous != null && previous.journal != null) {
      NodeOutcome<NetworkNodeStatus> resumed =
          resume(dn, previous.journal, attachedEndpoints, store);
      if (resumed.report.journal != null) {
        return resumed;
      }
      previous = resumed.report;
    }
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
    AttachedEndpoints attached = attachedEndpoints.get();
    List<NetworkEndpoint> foreign =
        actual.endpoints().stream()
            .filter(e -> attached.attachmentOf(actual.id(), e.containerId()) == null)
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
}
