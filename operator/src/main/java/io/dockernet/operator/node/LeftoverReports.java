package io.dockernet.operator.node;

import io.dockernet.operator.DaemonThreads;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.DockerEventHub;
import io.dockernet.operator.docker.Overview;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * agent sees it ({@link #afterDeletion}), so that the leftovers do not wait for the next overview.
 *
 * <p>A parent counts as gone only when no object of its name exists, in the cache nor on the API
 * server: a parent created again under the name belongs to the passes, which take over the report.
 */
final class LeftoverReports<S extends NodeReport, R extends CustomResource<Void, S>>
    implements DockerEventHub.Listener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeftoverReports.class);

  /**
   * Reports a sweep asks the API server about at most (each one whose parent the cache lacks): a
   * cache that has not listed yet costs no more than this, and the rest wait for the next sweep.
   */
  static final int LOOKUPS_PER_SWEEP = 20;

  /** Long enough for this node's own deletion of a report to reach its cache. */
  private static final long AFTER_DELETION_MS = 2_000;

  /** After the agent's start, when its caches have listed (a sweep before that finds nothing). */
  private static final long AFTER_START_MS = 10_000;

  private final Supplier<Collection<R>> reports;
  private final Function<String, Optional<R>> reportNamed;
  private final Predicate<String> parentCached;
  private final Predicate<String> parentLive;
  private final BiPredicate<S, String> abandoned;
  private final Consumer<R> delete;
  private final ScheduledExecutorService sweeper = DaemonThreads.single("leftover-reports");

  /** Reports this node deletes itself, until their deletion is seen. */
  private final Set<String> deletingHere = ConcurrentHashMap.newKeySet();

  /** Reports whose parent's leftovers could not be cleaned up, said once each. */
  private final Set<String> toldKept = ConcurrentHashMap.newKeySet();

  /**
   * @param reports this node's reports of the kind, as cached (empty before the cache is ready)
   * @param reportNamed this node's report of that name, as cached
   * @param parentCached whether the cache holds an object of the name
   * @param parentLive whether the API server has an object of the name
   * @param abandoned cleans up after a gone parent of the given UID; true when the report may go
   * @param delete deletes a report
   */
  LeftoverReports(
      Supplier<Collection<R>> reports,
      Function<String, Optional<R>> reportNamed,
      Predicate<String> parentCached,
      Predicate<String> parentLive,
      BiPredicate<S, String> abandoned,
      Consumer<R> delete) {
    this.reports = reports;
    this.reportNamed = reportNamed;
    this.parentCached = parentCached;
    this.parentLive = parentLive;
    this.abandoned = abandoned;
    this.delete = delete;
  }

  /**
   * Sweeps at every overview of the daemon, and once shortly after the start: a restarted agent
   * does not see the deletions it missed.
   */
  void start(DockerEventHub hub) {
    hub.addListener(this);
    sweeper.schedule(this::sweep, AFTER_START_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * The agent saw a parent deleted. Normally this node's report on it went before the finalizer;
   * one still there after a moment means the parent went without the release.
   */
  void afterDeletion(String reportName, String ownerUid) {
    sweeper.schedule(() -> check(reportName, ownerUid), AFTER_DELETION_MS, TimeUnit.MILLISECONDS);
  }

  /** This node deletes its report of that name itself, having let go of what it names. */
  void deletingHere(String reportName) {
    deletingHere.add(reportName);
  }

  /**
   * One of this node's reports was deleted. Unless this node did it, that is the garbage collector
   * (or a person) taking the report of a parent gone without this node's release: what the report
   * named is finished from its last state, now that it is no longer there to be found.
   */
  void deleted(R report) {
    OwnerReference owner = ownerOf(report);
    if (deletingHere.remove(report.getMetadata().getName())
        || owner == null
        || report.getStatus() == null) {
      return;
    }
    // After a moment: the garbage collector acts on the parent's deletion, which this node's cache
    // may not have yet.
    sweeper.schedule(
        () -> {
          if (!parentCached.test(owner.getName())) {
            finishIfGone(report, owner, false);
          }
        },
        AFTER_DELETION_MS,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
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
    Collection<R> all;
    try {
      all = reports.get();
    } catch (RuntimeException notReady) {
      return; // the reports' cache is not started yet: the next overview looks
    }
    int lookups = 0;
    for (R report : all) {
      OwnerReference owner = ownerOf(report);
      if (owner == null || report.getStatus() == null || parentCached.test(owner.getName())) {
        continue;
      }
      if (lookups++ == LOOKUPS_PER_SWEEP) {
        return;
      }
      finishIfGone(report, owner, true);
    }
  }

  /** As {@link #sweep()}, for the report of that name, if it is still on the parent of that UID. */
  void check(String reportName, String ownerUid) {
    Optional<R> report;
    try {
      report = reportNamed.apply(reportName);
    } catch (RuntimeException notReady) {
      return;
    }
    report.ifPresent(
        r -> {
          OwnerReference owner = ownerOf(r);
          if (owner != null
              && ownerUid.equals(owner.getUid())
              && r.getStatus() != null
              && !parentCached.test(owner.getName())) {
            finishIfGone(r, owner, true);
          }
        });
  }

  private static OwnerReference ownerOf(CustomResource<?, ?> report) {
    return report.getMetadata().getOwnerReferences().isEmpty()
        ? null
        : report.getMetadata().getOwnerReferences().get(0);
  }

  private void finishIfGone(R report, OwnerReference owner, boolean reportThere) {
    try {
      if (parentLive.test(owner.getName())) {
        return;
      }
      if (!abandoned.test(report.getStatus(), owner.getUid())) {
        if (toldKept.add(owner.getUid())) {
          LOG.warn(
              "{} {} (UID {}) was deleted without this node's release; what its report {} names on"
                  + " this node is left as it is",
              owner.getKind(),
              owner.getName(),
              owner.getUid(),
              report.getMetadata().getName());
        }
        return;
      }
      LOG.info(
          "{} {} (UID {}) was deleted without this node's release: released now",
          owner.getKind(),
          owner.getName(),
          owner.getUid());
      if (reportThere) {
        deletingHere(report.getMetadata().getName());
        delete.accept(report);
      }
    } catch (RuntimeException e) {
      // The next overview looks again.
      LOG.debug("Could not finish the release of {}: {}", owner.getName(), e.getMessage());
    }
  }
}
