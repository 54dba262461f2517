package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;

import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.network.NetworkRecreator.JournalStore;
import io.dockernet.operator.node.PassReport;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a DockerNetwork's network off a node when the object is deleted or no longer selects the
 * node, so that only what the operator made goes and a container it does not manage is never cut
 * off.
 */
final class NetworkRelease {

  private static final Logger LOG = LoggerFactory.getLogger(NetworkRelease.class);

  private final DockerGateway docker;
  private final NetworkReplacement replacement;

  NetworkRelease(DockerGateway docker, NetworkReplacement replacement) {
    this.docker = docker;
    this.replacement = replacement;
  }

  /**
   * Removes the network from this node (per deletionPolicy). Endpoints of containers the operator
   * attached are disconnected; any other container still attached blocks removal and is named. An
   * unfinished replacement is finished first, so that its endpoints are back before anything is
   * judged.
   */
  PassReport<NetworkReport> release(
      DockerNetwork dn,
      NetworkReport previous,
      Supplier<AttachedEndpoints> attachedEndpoints,
      JournalStore store,
      String why) {
    if (previous != null && previous.journal != null) {
      PassReport<NetworkReport> resumed =
          replacement.resume(dn, previous.journal, attachedEndpoints, store);
      if (resumed.report.journal != null) {
        return resumed;
      }
      previous = resumed.report;
    }
    DockerNetworkSpec spec = DesiredNetwork.specOf(dn);
    String name = dn.dockerName();
    PassReport<NetworkReport> done = PassReport.of(base(dn, null), Phase.Deleting, why, "released");
    done.released = true;
    if (spec.deletionPolicy == DeletionPolicy.Orphan) {
      return done;
    }
    Removal removal = removeIfOurs(name, dn.getMetadata().getUid(), previous, attachedEndpoints);
    if (removal.foreign() != null) {
      String names = String.join(", ", removal.foreign());
      return PassReport.of(
              base(dn, removal.network()),
              NetworkReason.ForeignEndpoints,
              "not removing Docker network "
                  + name
                  + ": containers the operator does not manage are still attached: "
                  + names
                  + ". Disconnect them, or set deletionPolicy Orphan")
          .warning("DeletionBlocked", "containers still attached on node: " + names);
    }
    if (removal.refused() != null) {
      return PassReport.of(
          base(dn, removal.network()),
          NetworkReason.RemoveRejected,
          "Docker refused: " + removal.refused().getMessage());
    }
    return done;
  }

  /**
   * The DockerNetwork of this node's report was deleted without this node's release: its network
   * goes as the release would have taken it, under the deletionPolicy the report recorded (none
   * recorded, by an agent before it did: kept). A replacement under way is not finished without its
   * object: the report stays, and so does the network.
   *
   * @return true when the report may go
   */
  boolean abandoned(NetworkReport report, String ownerUid, Supplier<AttachedEndpoints> attached) {
    if (report.journal != null) {
      LOG.warn(
          "Docker network {} of a DockerNetwork deleted without this node's release is kept: a"
              + " replacement was under way (journal in report {})",
          report.networkName,
          report.dockerNetwork);
      return false;
    }
    if (report.deletionPolicy != DeletionPolicy.Delete || report.networkName == null) {
      return true;
    }
    Removal removal = removeIfOurs(report.networkName, ownerUid, report, attached);
    if (removal.foreign() != null || removal.refused() != null) {
      LOG.warn(
          "Docker network {} of a DockerNetwork deleted without this node's release is kept: {}",
          report.networkName,
          removal.foreign() != null
              ? "containers the operator does not manage are attached: " + removal.foreign()
              : "Docker refused: " + removal.refused().getMessage());
      return false;
    }
    return true;
  }

  /**
   * What removing a network came to: done (or nothing of ours there), or kept because of the
   * containers the operator does not manage on it, or refused by Docker.
   */
  private record Removal(NetworkInfo network, List<String> foreign, DockerException refused) {}

  /**
   * Removes the network of that name if the operator made or adopted it for the object of that UID:
   * endpoints of containers the operator attached are disconnected first; any other endpoint keeps
   * it.
   */
  private Removal removeIfOurs(
      String name,
      String ownerUid,
      NetworkReport previous,
      Supplier<AttachedEndpoints> attachedEndpoints) {
    Optional<NetworkInfo> found = docker.findNetwork(name);
    if (found.isEmpty() || !Ownership.of(found.get(), ownerUid, previous).mine()) {
      return new Removal(null, null, null);
    }
    NetworkInfo actual = found.get();
    AttachedEndpoints attached = attachedEndpoints.get();
    List<String> foreign =
        actual.endpoints().stream()
            .filter(e -> attached.attachmentOf(actual.id(), e.containerId()) == null)
            .map(NetworkEndpoint::containerName)
            .toList();
    if (!foreign.isEmpty()) {
      return new Removal(actual, foreign, null);
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
      return new Removal(actual, null, e);
    }
    return new Removal(actual, null, null);
  }
}
