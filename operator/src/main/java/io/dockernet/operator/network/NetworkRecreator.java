package io.dockernet.operator.network;

import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Replaces a network whose immutable settings changed: snapshot every endpoint (containers we do
 * not manage included), disconnect, remove, create anew, reconnect each exactly as configured
 * before, and verify. Docker has no network update, so this is the only way to apply a change.
 */
final class NetworkRecreator {

  /**
   * The result: the new network's ID, the containers that could not be put back, and those left to
   * their ContainerAttachments to reconnect.
   */
  record Result(String networkId, List<String> notRestored, List<String> leftToAttachments) {}

  /** One endpoint as it must be restored. */
  record Snapshot(String containerId, String containerName, EndpointRequest endpoint) {}

  private final DockerGateway docker;

  NetworkRecreator(DockerGateway docker) {
    this.docker = docker;
  }

  /**
   * @param attachedEndpoints reads which container (ID) endpoints on which network (ID) the
   *     ContainerAttachments made: those are not put back here but by their attachments, which know
   *     whether they are still wanted (an attachment deleted meanwhile must not get one back)
   */
  Result recreate(
      NetworkInfo old,
      NetworkRequest desired,
      Supplier<BiPredicate<String, String>> attachedEndpoints) {
    // Read before looking at the endpoints: an attachment disconnects its endpoint before it
    // deletes its report, so every endpoint seen below is either still reported or not ours.
    BiPredicate<String, String> attached = attachedEndpoints.get();
    List<Snapshot> snapshots = snapshot(docker.findNetwork(old.id()).orElse(old));
    for (Snapshot s : snapshots) {
      try {
        docker.disconnect(old.id(), s.containerId(), true);
      } catch (DockerNotFoundException gone) {
        // Container or endpoint vanished meanwhile: nothing to disconnect.
      }
    }
    docker.removeNetwork(old.id());
    String id = docker.createNetwork(desired);
    List<String> notRestored = new ArrayList<>();
    List<String> leftToAttachments = new ArrayList<>();
    for (Snapshot s : snapshots) {
      if (attached.test(old.id(), s.containerId())) {
        leftToAttachments.add(s.containerName());
      } else if (!restore(id, desired.name(), s)) {
        notRestored.add(s.containerName());
      }
    }
    return new Result(id, notRestored, leftToAttachments);
  }

  /** Every endpoint on the network, with the settings it was configured with. */
  List<Snapshot> snapshot(NetworkInfo network) {
    List<Snapshot> out = new ArrayList<>();
    for (NetworkEndpoint e : network.endpoints()) {
      Optional<ContainerEndpoint> configured =
          docker.findContainer(e.containerId()).map(c -> c.networks().get(network.name()));
      configured.ifPresent(
          c ->
              out.add(
                  new Snapshot(
                      e.containerId(),
                      e.containerName(),
                      new EndpointRequest(
                          c.configuredIpv4(),
                          c.configuredIpv6(),
                          c.linkLocalIps(),
                          withoutShortId(c.aliases(), e.containerId()),
                          c.links(),
                          c.macAddress(),
                          c.driverOpts()))));
    }
    return out;
  }

  private boolean restore(String networkId, String networkName, Snapshot s) {
    try {
      docker.connect(networkId, s.containerId(), s.endpoint());
      return docker
          .findContainer(s.containerId())
          .map(c -> c.networks().containsKey(networkName))
          .orElse(false);
    } catch (DockerException e) {
      return false;
    }
  }

  /** Docker adds the container's short ID as an alias itself; passing it back is noise. */
  private static List<String> withoutShortId(List<String> aliases, String containerId) {
    if (aliases == null) {
      return List.of();
    }
    String shortId = containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    return aliases.stream().filter(a -> !a.equals(shortId)).toList();
  }
}
