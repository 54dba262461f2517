package io.dockernet.operator.network;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.Overview;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker networks this agent released for deleted DockerNetworks, remembered for a while by
 * name and owner UID. A create that an earlier incarnation of the agent, killed mid-request, had
 * sent can reach the daemon after the release looked and found nothing; the network it makes
 * carries the UID of an owner that is gone, and nothing else would ever remove it. When such a
 * network shows up (Docker's create event, or the periodic overview as the backstop for a lost
 * event) it is removed, as the release would have done, unless something is attached to it.
 */
final class ReleasedNetworks implements DockerEventHub.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(ReleasedNetworks.class);

  /** Far longer than a request the daemon still works on after its client died. */
  static final Duration REMEMBERED = Duration.ofMinutes(10);

  /** A released network: its name and when it was released, by the UID of its owner. */
  private record Released(String name, Instant at) {}

  private final DockerGateway docker;
  private final Executor sweeper;
  private final Supplier<Instant> now;
  private final Map<String, Released> byOwnerUid = new ConcurrentHashMap<>();

  /**
   * @param sweeper runs the Docker calls, off the event thread
   * @param now the time
   */
  ReleasedNetworks(DockerGateway docker, Executor sweeper, Supplier<Instant> now) {
    this.docker = docker;
    this.sweeper = sweeper;
    this.now = now;
  }

  /** The object's network is gone from this node, or was never made here. */
  void released(DockerNetwork dn) {
    if (DesiredNetwork.specOf(dn).deletionPolicy == DeletionPolicy.Orphan) {
      return; // the network stays by the user's wish
    }
    byOwnerUid.put(dn.getMetadata().getUid(), new Released(dn.dockerName(), now.get()));
  }

  @Override
  public void onEvent(DockerEvent event) {
    String name = event.attributes() == null ? null : event.attributes().get("name");
    if ("network".equals(event.type()) && "create".equals(event.action())) {
      byOwnerUid.forEach(
          (uid, released) -> {
            if (released.name().equals(name)) {
              sweeper.execute(() -> sweep(uid, released));
            }
          });
    }
  }

  @Override
  public void onResync() {
    sweepAll();
  }

  @Override
  public void onOverview(Overview overview) {
    sweepAll();
  }

  private void sweepAll() {
    Instant oldest = now.get().minus(REMEMBERED);
    byOwnerUid.values().removeIf(r -> r.at().isBefore(oldest));
    byOwnerUid.forEach((uid, released) -> sweeper.execute(() -> sweep(uid, released)));
  }

  private void sweep(String ownerUid, Released released) {
    String name = released.name();
    try {
      Optional<NetworkInfo> late = docker.findNetwork(name).filter(n -> ownedBy(n, ownerUid));
      if (late.isEmpty()) {
        return;
      }
      NetworkInfo network = late.get();
      if (!network.endpoints().isEmpty()) {
        LOG.warn(
            "Docker network {} ({}) was created for a DockerNetwork already deleted (UID {}), but"
                + " containers are attached to it: left as it is",
            name,
            network.shortId(),
            ownerUid);
        return;
      }
      docker.removeNetwork(network.id());
      byOwnerUid.remove(ownerUid, released);
      LOG.info(
          "Removed Docker network {} ({}): created by a request still in flight when its"
              + " DockerNetwork (UID {}) was deleted",
          name,
          network.shortId(),
          ownerUid);
    } catch (DockerNotFoundException gone) {
      byOwnerUid.remove(ownerUid, released);
    } catch (DockerException e) {
      // The next overview looks again.
      LOG.debug("Could not look at or remove released Docker network {}: {}", name, e.getMessage());
    }
  }

  private static boolean ownedBy(NetworkInfo network, String uid) {
    Map<String, String> labels = network.labels() == null ? Map.of() : network.labels();
    return Keys.DOCKER_MANAGED_BY_VALUE.equals(labels.get(Keys.DOCKER_MANAGED_BY))
        && uid.equals(labels.get(Keys.DOCKER_OWNER_UID));
  }
}
