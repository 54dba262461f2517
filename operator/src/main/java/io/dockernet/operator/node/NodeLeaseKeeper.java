package io.dockernet.operator.node;

import io.dockernet.operator.DaemonThreads;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an agent's node Lease once the leader elector has given it up. The elector stops for good
 * after renewals fail for a while, which is what happens while the API server is out of reach; the
 * agent must go on keeping its node as it last knew it then (as a kubelet keeps its pods), and when
 * the API server is back, either take its Lease back (nobody else took it) or stand down (the
 * node's other agent holds it now: only one acts).
 */
public final class NodeLeaseKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeLeaseKeeper.class);
  private static final Duration PERIOD = Duration.ofSeconds(5);
  private static final int LEASE_SECONDS = 15;

  private final KubernetesClient client;
  private final String namespace;
  private final String nodeName;
  private final String identity;
  private final Runnable standDown;
  private ScheduledExecutorService keeper;

  /**
   * @param standDown what to do when another agent of the node holds the Lease now
   */
  public NodeLeaseKeeper(
      KubernetesClient client,
      String namespace,
      String nodeName,
      String identity,
      Runnable standDown) {
    this.client = client;
    this.namespace = namespace;
    this.nodeName = nodeName;
    this.identity = identity;
    this.standDown = standDown;
  }

  /** The elector stopped renewing the Lease: keep it from now on. */
  public synchronized void electorStopped() {
    if (keeper != null) {
      return;
    }
    LOG.warn(
        "Renewing node {}'s Lease failed; acting on as before and taking it back when the API"
            + " server answers",
        nodeName);
    keeper = DaemonThreads.single("node-lease-keeper");
    keeper.scheduleWithFixedDelay(this::keep, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void keep() {
    try {
      var lease = client.leases().inNamespace(namespace).withName(NodeLeases.name(nodeName));
      Lease current = lease.get();
      ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS);
      if (current == null) {
        client.resource(fresh(now)).create();
        return;
      }
      var spec = current.getSpec();
      String holder = spec == null ? null : spec.getHolderIdentity();
      boolean expired =
          spec == null
              || spec.getRenewTime() == null
              || spec.getLeaseDurationSeconds() == null
              || spec.getRenewTime().plusSeconds(spec.getLeaseDurationSeconds()).isBefore(now);
      if (holder == null || holder.isEmpty() || holder.equals(identity) || expired) {
        spec.setHolderIdentity(identity);
        spec.setRenewTime(now);
        spec.setLeaseDurationSeconds(LEASE_SECONDS);
        client.resource(current).update();
        return;
      }
      LOG.error("Node {}'s Lease is held by {} now; standing down", nodeName, holder);
      close();
      standDown.run();
    } catch (RuntimeException unreachable) {
      // The API server is still out of reach (or another write won the race): try again.
      LOG.debug("Keeping node {}'s Lease failed: {}", nodeName, unreachable.toString());
    }
  }

  private Lease fresh(ZonedDateTime now) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(NodeLeases.name(nodeName))
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(identity)
        .withAcquireTime(now)
        .withRenewTime(now)
        .withLeaseDurationSeconds(LEASE_SECONDS)
        .endSpec()
        .build();
  }

  @Override
  public synchronized void close() {
    if (keeper != null) {
      keeper.shutdownNow();
    }
  }
}
