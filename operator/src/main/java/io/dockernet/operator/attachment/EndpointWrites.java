package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.network.EndpointSnapshots;

/**
 * The two Docker writes the connect and release paths share, written once so both treat the same
 * failures the same way: a disconnect that finds nothing is done, and an endpoint put back whose
 * pinned addresses were taken meanwhile goes back as configured rather than not at all.
 */
final class EndpointWrites {

  private final DockerGateway docker;

  EndpointWrites(DockerGateway docker) {
    this.docker = docker;
  }

  /** Disconnects; an endpoint (or container, or network) gone meanwhile counts as done. */
  boolean disconnectQuietly(String networkId, String containerId) {
    try {
      docker.disconnect(networkId, containerId, true);
    } catch (DockerNotFoundException gone) {
      // Gone meanwhile: the goal is reached.
    }
    return true;
  }

  /**
   * Connects the container to {@code networkId} as {@code was} recorded it, addresses pinned as
   * {@code net} allows; if Docker refuses those, as it was configured (static addresses only), so
   * the container is not left off the network for want of its old address.
   */
  void putBack(
      String networkId,
      String containerId,
      EndpointSnapshot was,
      NetworkInfo net,
      boolean configuredSubnets) {
    connectOrPlain(
        networkId,
        containerId,
        EndpointSnapshots.restoreRequest(was, net, configuredSubnets),
        EndpointSnapshots.asConfigured(was));
  }

  private void connectOrPlain(
      String networkId, String containerId, EndpointRequest pinned, EndpointRequest plain) {
    try {
      docker.connect(networkId, containerId, pinned);
    } catch (DockerConflictException | DockerRejectedException taken) {
      if (pinned.equals(plain)) {
        throw taken;
      }
      docker.connect(networkId, containerId, plain);
    }
  }
}
