package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.Overview;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Lets an object's first pass after the agent started keep its report without a Docker call when
 * one overview of the daemon shows the daemon exactly as the report says. A starting agent would
 * otherwise read every container and network its objects name again (1,200 passes took 4 s on two
 * cores); the overview is two list calls, shared by the first passes while the daemon is quiet
 * ({@link DockerGateway#quietOverview}), so a change on the daemon since is never missed: it wakes
 * its objects after the overview, and their passes then read the daemon.
 *
 * <p>Only a Ready report for the object's current generation, written through the same Engine and
 * API version, is trusted, only as far as its kind vouches ({@link AgentKind#shownExactly}), and
 * only when the agent before this one ran by the same build and node policy ({@link PassRules}).
 * Later passes (a Docker event, a change of the object, a resync after a lost event stream) read
 * the daemon as always.
 */
final class FirstPassTrust {

  private final DockerGateway docker;
  private final ReportStore reports;
  private final boolean enabled;
  private final Set<String> passed = ConcurrentHashMap.newKeySet();

  /**
   * @param enabled whether the agent before this one ran by the same {@link PassRules}
   */
  FirstPassTrust(DockerGateway docker, ReportStore reports, boolean enabled) {
    this.docker = docker;
    this.reports = reports;
    this.enabled = enabled;
  }

  /** Whether this is the object's first pass since the agent started; remembers that it had one. */
  boolean first(String name) {
    return passed.add(name);
  }

  /** Whether every one of these objects had its first pass since the agent started. */
  boolean passedAll(Stream<String> names) {
    return names.allMatch(passed::contains);
  }

  /** The object is gone: an object of that name made later starts from nothing anyway. */
  void forget(String name) {
    passed.remove(name);
  }

  /** The overview to trust {@code report} by, when the report may be trusted at all. */
  Optional<Overview> overviewFor(NodeReport report, long generation) {
    if (!enabled
        || report == null
        || report.phase != Phase.Ready
        || report.observedGeneration == null
        || report.observedGeneration != generation
        || !reports.sameEngine(report)) {
      return Optional.empty();
    }
    return docker.quietOverview();
  }
}
