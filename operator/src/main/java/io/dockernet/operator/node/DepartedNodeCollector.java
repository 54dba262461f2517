package io.dockernet.operator.node;

import io.dockernet.operator.DaemonThreads;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after nodes that left the cluster (node-feature-discovery's nfd-gc is the model): drops
 * their per-node finalizers from every DockerNetwork and ContainerAttachment, so a deletion never
 * waits for an agent that will not come back, and deletes their reports. Woken by each Node
 * deletion, and sweeps every few minutes as a backstop for a deletion the watch missed or a trace
 * an agent wrote while its node went. Acts only on the controller replica that leads ({@link
 * #lead}), like the summaries: one writer at a time.
 */
public final class DepartedNodeCollector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DepartedNodeCollector.class);

  public static final Duration SWEEP_INTERVAL = Duration.ofMinutes(5);

  /** After a failed pass (API server busy or away), the next one comes well before the sweep. */
  private static final Duration RETRY_DELAY = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final Duration sweepInterval;
  private final ScheduledExecutorService worker = DaemonThreads.single("departed-nodes");
  private final AtomicBoolean queued = new AtomicBoolean();
  private final AtomicBoolean leading = new AtomicBoolean();
  private final ClusterNodes nodes;

  public DepartedNodeCollector(
      KubernetesClient client, ClusterNodes nodes, Duration sweepInterval) {
    this.client = client;
    this.nodes = nodes;
    this.sweepInterval = sweepInterval;
    nodes.onDeparture(
        () -> {
          if (leading.get()) {
            request();
          }
        });
  }

  /** This replica leads from now on: collect now, on every Node deletion, and every interval. */
  public void lead() {
    if (leading.compareAndSet(false, true)) {
      try {
        worker.scheduleWithFixedDelay(
            this::request, 0, sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // Leadership came as the process stops.
      }
    }
  }

  /** Runs one pass soon; requests made while one waits to run are served by it. */
  private void request() {
    if (queued.compareAndSet(false, true)) {
      submit(
          () -> {
            queued.set(false);
            collectOrRetry();
          });
    }
  }

  private void collectOrRetry() {
    try {
      collect();
    } catch (RuntimeException e) {
      LOG.warn("Cleaning up after departed nodes failed; trying again in {}", RETRY_DELAY, e);
      try {
        worker.schedule(this::request, RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // Nothing to retry for.
      }
    }
  }

  /** One pass over both kinds. */
  private void collect() {
    collect(DockerNetwork.class, DockerNetworkNodeState.class);
    collect(ContainerAttachment.class, ContainerAttachmentNodeState.class);
  }

  private <P extends HasMetadata, R extends CustomResource<Void, ? extends NodeReport>>
      void collect(Class<P> parentType, Class<R> reportType) {
    // Listed before the Nodes are looked at: a node registers before its agent writes anything, so
    // the Nodes seen afterwards include every node still in the cluster that these lists mention.
    List<P> parents = client.resources(parentType).list().getItems();
    List<R> reports = client.resources(reportType).list().getItems();
    Set<String> present =
        nodes.list().stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    if (present.isEmpty()) {
      // Far more likely a watch that lost its Nodes than every node gone at once; an empty
      // cluster loses nothing by waiting for one to join.
      return;
    }
    Leftovers<P, R> left = Leftovers.of(parents, reports, present);
    for (Leftovers.Finalizer<P> f : left.finalizers()) {
      LOG.info(
          "Dropping finalizer {} of a departed node from {} {}",
          f.finalizer(),
          f.parent().getKind(),
          f.parent().getMetadata().getName());
      NodeFinalizer.remove(client, parentType, f.parent(), f.finalizer());
    }
    // After the finalizers, like an agent that cleans up: the report is the last trace.
    for (R report : left.reports()) {
      LOG.info(
          "Deleting {} {} of a departed node", report.getKind(), report.getMetadata().getName());
      client.resource(report).delete();
    }
  }

  private void submit(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException closing) {
      // Nothing to run for.
    }
  }

  @Override
  public void close() {
    leading.set(false);
    worker.shutdownNow();
  }
}
