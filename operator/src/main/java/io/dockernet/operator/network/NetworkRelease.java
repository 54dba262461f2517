package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;

import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerConflictException;
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

/**
 * Takes a DockerNetwork's network off a node when the object is deleted or no longer selects the
 * node, so that only what the operator made goes and a container it does not manage is never cut
 * off.
 */
final class NetworkRelease {

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
      return PassReport.of(
              base(dn, actual),
              NetworkReason.ForeignEndpoints,
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
      return PassReport.of(
          base(dn, actual), NetworkReason.RemoveRejected, "Docker refused: " + e.getMessage());
    }
    return done;
  }
}
