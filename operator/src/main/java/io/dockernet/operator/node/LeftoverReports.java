package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.Overview;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's reports on parents that are gone although this node never let go of them: its
 * finalizer was taken off by someone else (an admin clearing the finalizers of a deletion that
 * hung, the controller for a node it took as departed), so the deletion did not wait. What the node
 * made for such a parent would stay on its daemon for good, and its report in the cluster. At every
 * overview of the daemon, each such report is finished the way the release would have: the kind
 * cleans up what the report names ({@link AgentKind#abandoned}), then the report goes.
 *
 * <p>The usual cause is not a person: the API server can delete an object whose finalizer was added
 * while the delete was under way (kubernetes/kubernetes#77988, open in 1.34), which a pass that
 * starts as the object is deleted meets. Such a deletion is also checked for shortly after the
 * agent sees it ({@link #sweepOf}), so that the leftovers do not wait for the next overview.
 *
 * <p>A parent counts as gone only when no object of its name exists, in the cache nor on the API
 * server: a parent created again under the name belongs to the passes, which take over the report.
 */
final class LeftoverReports<S extends NodeReport, R extends CustomResource<Void, S>>
    implements DockerEventHub.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(LeftoverReports.class);

  /**
   * Reports a sweep asks the API server about at most (each one whose parent the cache lacks): a
   * cache that has not listed yet costs no more than this, and the rest wait for the next sweep.
   */
  static final int LOOKUPS_PER_SWEEP = 20;

  private final Supplier<Collection<R>> reports;
  private final Predicate<String> parentCached;
  private final Predicate<String> parentLive;
  private final BiPredicate<S, String> abandoned;
  private final Consumer<R> delete;
  private final Executor sweeper;

  /** Reports whose parent's leftovers could not be cleaned up, said once each. */
  private final Set<String> toldKept = ConcurrentHashMap.newKeySet();

  /**
   * @param reports this node's reports of the kind, as cached (empty before the cache is ready)
   * @param parentCached whether the cache holds an object of the name
   * @param parentLive whether the API server has an object of the name
   * @param abandoned cleans up after a gone parent of the given UID; true when the report may go
   * @param delete deletes a report
   * @param sweeper runs the sweeps, off the Docker event thread
   */
  LeftoverReports(
      Supplier<Collection<R>> reports,
      Predicate<String> parentCached,
      Predicate<String> parentLive,
      BiPredicate<S, String> abandoned,
      Consumer<R> delete,
      Executor sweeper) {
    this.reports = reports;
    this.parentCached = parentCached;
    this.parentLive = parentLive;
    this.abandoned = abandoned;
    this.delete = delete;
    this.sweeper = sweeper;
  }

  @Override
  public void onEvent(DockerEvent event) {}

  @Override
  public void onResync() {}

  @Override
  public void onOverview(Overview overview) {
    sweeper.execute(this::sweep);
  }

  /** Finishes the release of every report whose parent is gone. */
  void sweep() {
    sweep(report -> true);
  }

  /** As {@link #sweep()}, for the reports on the parent of that UID only. */
  void sweepOf(String ownerUid) {
    sweep(
        report ->
            report.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> ownerUid.equals(o.getUid())));
  }

  private void sweep(Predicate<R> which) {
    Collection<R> all;
    try {
      all = reports.get();
    } catch (RuntimeException notReady) {
      return; // the reports' cache is not started yet: the next overview looks
    }
    int lookups = 0;
    for (R report : all) {
      OwnerReference owner =
          report.getMetadata().getOwnerReferences().isEmpty()
              ? null
              : report.getMetadata().getOwnerReferences().get(0);
      if (owner == null
          || report.getStatus() == null
          || !which.test(report)
          || parentCached.test(owner.getName())) {
        continue;
      }
      if (lookups++ == LOOKUPS_PER_SWEEP) {
        return;
      }
      if (parentLive.test(owner.getName())) {
        continue;
      }
      try {
        if (!abandoned.test(report.getStatus(), owner.getUid())) {
          if (toldKept.add(owner.getUid())) {
            LOG.warn(
                "{} {} (UID {}) was deleted without this node's release; its report {} stays while"
                    + " what it names on this node is left as it is",
                owner.getKind(),
                owner.getName(),
                owner.getUid(),
                report.getMetadata().getName());
          }
          continue;
        }
        LOG.info(
            "{} {} (UID {}) was deleted without this node's release: released now",
            owner.getKind(),
            owner.getName(),
            owner.getUid());
        delete.accept(report);
      } catch (RuntimeException e) {
        // The next overview looks again.
        LOG.debug("Could not finish the release of {}: {}", owner.getName(), e.getMessage());
      }
    }
  }
}
