package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;
import static io.dockernet.operator.network.NetworkReports.ready;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.api.v1alpha1.RecreatePolicy;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.network.NetworkRecreator.JournalStore;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.node.Refusal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Makes one node's Docker daemon match one DockerNetwork, or cleans it up: the agent reconcilers'
 * one entry point, holding the decision while the steps live in their own classes. Observe,
 * compare, change only what differs, and describe the result. A missing network is created ({@link
 * NetworkCreation}); one the operator does not own is touched only as the object's adoptionPolicy
 * says ({@link ForeignNetworkAdoption}); a change Docker can only make by replacing the network
 * runs from a journal saved in the node's report first ({@link NetworkReplacement}), and an
 * unfinished one is resumed before anything else; {@link NetworkRelease} cleans up. Transient
 * Docker failures propagate as exceptions (retried with backoff by the caller); refusals become the
 * report.
 */
final class NodeNetworkSync {

  private final DockerGateway docker;
  private final NodeGuard nodeGuard;
  private final NetworkCreation creation;
  private final ForeignNetworkAdoption adoption;
  private final NetworkReplacement replacement;
  private final NetworkRelease release;

  /** With the cluster's default node policy and no host facts (tests). */
  NodeNetworkSync(DockerGateway docker) {
    this(docker, new NetworkGuard(), NodeGuard.of(NodePolicy.DEFAULTS));
  }

  NodeNetworkSync(DockerGateway docker, NodeGuard nodeGuard) {
    this(docker, new NetworkGuard(), nodeGuard);
  }

  NodeNetworkSync(DockerGateway docker, NetworkGuard guard, NodeGuard nodeGuard) {
    this.docker = docker;
    this.nodeGuard = nodeGuard;
    this.creation = new NetworkCreation(docker);
    this.replacement = new NetworkReplacement(docker, guard);
    this.adoption = new ForeignNetworkAdoption(nodeGuard, replacement);
    this.release = new NetworkRelease(docker, replacement);
  }

  /** As {@link #ensure(DockerNetwork, NetworkReport, Predicate, Supplier, JournalStore)}. */
  PassReport<NetworkReport> ensure(
      DockerNetwork dn, NetworkReport previous, Predicate<String> liveOwner) {
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
  PassReport<NetworkReport> ensure(
      DockerNetwork dn,
      NetworkReport previous,
      Predicate<String> liveOwner,
      Supplier<AttachedEndpoints> attached,
      JournalStore store) {
    NetworkRequest desired = DesiredNetwork.from(dn);
    if (previous != null && previous.journal != null) {
      // Endpoints a replacement took off come back first, whatever else is now refused.
      PassReport<NetworkReport> resumed = replacement.resume(dn, previous.journal, attached, store);
      if (resumed.report.journal != null || resumed.report.phase != Phase.Ready) {
        return resumed;
      }
      previous = resumed.report;
    }
    Optional<Refusal> refused =
        NetworkPreflight.check(desired, docker.engine())
            .or(() -> nodeGuard.check(desired, () -> docker.listNetworks(Map.of())));
    if (refused.isPresent()) {
      return refused.get().report(base(dn, null)); // before any Docker write
    }
    DockerNetworkSpec spec = DesiredNetwork.specOf(dn);
    Optional<NetworkInfo> found = docker.findNetwork(desired.name());
    if (found.isEmpty()) {
      return creation.create(dn, desired, previous);
    }
    NetworkInfo actual = found.get();
    Ownership ownership = Ownership.of(actual, dn.getMetadata().getUid(), previous);
    if (ownership == Ownership.OTHER_OBJECT && liveOwner.test(Ownership.ownerUidOf(actual))) {
      return PassReport.of(
          base(dn, actual),
          NetworkReason.NetworkOwnedByOther,
          "Docker network "
              + desired.name()
              + " belongs to another DockerNetwork ("
              + actual.labels().get(Keys.DOCKER_OWNER_NAME)
              + "); two objects cannot manage one network");
    }
    if (!ownership.mine()) {
      return adoption.adopt(dn, spec, desired, actual, store);
    }
    List<String> differences =
        NetworkDifferences.between(spec, desired, actual, ownership == Ownership.OURS);
    if (differences.isEmpty()) {
      return ready(dn, actual, ownership == Ownership.ADOPTED);
    }
    boolean adopted = ownership == Ownership.ADOPTED;
    if (spec.recreatePolicy == RecreatePolicy.Never) {
      return replacement.unchanged(
          dn,
          actual,
          differences,
          attached,
          NetworkReason.RecreateRequired,
          "the spec differs from the Docker network and recreatePolicy is Never: "
              + String.join("; ", differences),
          adopted);
    }
    if (previous != null
        && dn.getMetadata().getGeneration() != null
        && dn.getMetadata().getGeneration().equals(previous.refusedGeneration)) {
      PassReport<NetworkReport> out =
          replacement.unchanged(
              dn,
              actual,
              differences,
              attached,
              NetworkReason.RecreateRefused,
              previous.message,
              adopted);
      out.report.refusedGeneration = previous.refusedGeneration;
      return out;
    }
    return replacement.replace(
        dn, actual, desired, differences, NetworkReason.Recreated, attached, store);
  }

  /**
   * Removes the network from this node (per deletionPolicy), as {@link NetworkRelease#release}.
   *
   * @param why the reason the report gives (Deleted, NodeNotSelected)
   */
  PassReport<NetworkReport> release(
      DockerNetwork dn,
      NetworkReport previous,
      Supplier<AttachedEndpoints> attachedEndpoints,
      JournalStore store,
      String why) {
    return release.release(dn, previous, attachedEndpoints, store, why);
  }

  /** See {@link NetworkRelease#abandoned}. */
  boolean abandoned(
      NetworkReport report, String ownerUid, Supplier<AttachedEndpoints> attachedEndpoints) {
    return release.abandoned(report, ownerUid, attachedEndpoints);
  }
}
