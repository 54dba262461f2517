package io.dockernet.operator.status;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The conditions of a parent's summary, from where each node stands, in the shapes the tools that
 * read them expect: {@code Ready} for {@code kubectl wait}, and kstatus's {@code Reconciling} and
 * {@code Stalled} (Flux, kpt, Config Sync) — never both True, so kstatus reads InProgress while
 * nodes converge, Failed when a node refused the spec, Current once every desired node is Ready for
 * the current generation. {@code Degraded} and {@code Warning} tell humans more. What they say
 * only: {@link NodeSummary.Builder} keeps their lastTransitionTime.
 */
public final class SummaryConditions {

  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String WARNING = "Warning";

  /** Phases that mean a node has a problem (the Degraded condition). */
  private static final Set<Phase> TROUBLED =
      Set.of(Phase.Error, Phase.Conflict, Phase.OutOfSync, Phase.Blocked);

  /** The only Error reason that a retry can fix by itself: the daemon comes back. */
  private static final Set<String> TRANSIENT_ERRORS = Set.of("DockerUnavailable");

  /**
   * How a kind words its summary.
   *
   * @param readyReason Ready's reason when every desired node is ready, e.g. AllNodesReady
   * @param readyWhat what being ready means, e.g. "the network matches the spec"
   * @param noneReason Ready's and Reconciling's reason when no node should act, e.g.
   *     NoNodesSelected
   * @param noneMessage what that means for this object
   */
  public record Wording(
      String readyReason, String readyWhat, String noneReason, String noneMessage) {}

  private SummaryConditions() {}

  /**
   * The conditions for one generation of a parent, without lastTransitionTime.
   *
   * @param reports every node's report on the parent
   * @param desired the nodes that should act on it (selected, with a live agent)
   * @param withoutAgent selected nodes whose agent is not alive (a Warning, not a wait)
   * @param warnings other warnings ("node: Reason: text")
   */
  static List<Condition> of(
      long generation,
      Collection<? extends NodeReport> reports,
      Set<String> desired,
      List<String> withoutAgent,
      List<String> warnings,
      Wording wording) {
    List<NodeReport> current =
        reports.stream()
            .filter(r -> Objects.equals(r.observedGeneration, generation))
            .map(NodeReport.class::cast)
            .toList();
    long ready =
        current.stream()
            .filter(r -> r.phase == Phase.Ready && desired.contains(r.nodeName))
            .count();
    boolean allReady = !desired.isEmpty() && ready == desired.size();
    List<NodeReport> refused = current.stream().filter(SummaryConditions::refused).toList();
    boolean stalled = !refused.isEmpty();
    List<NodeReport> troubled = current.stream().filter(r -> TROUBLED.contains(r.phase)).toList();

    String progress =
        desired.isEmpty()
            ? wording.noneMessage()
            : "ready on "
                + ready
                + " of "
                + desired.size()
                + " node(s)"
                + pending(current, desired);
    String notReadyReason = desired.isEmpty() ? wording.noneReason() : "NodesNotReady";

    List<String> allWarnings = new ArrayList<>();
    if (!withoutAgent.isEmpty()) {
      allWarnings.add(
          "no live agent on "
              + String.join(", ", withoutAgent)
              + " (its heartbeat Lease is not renewed): not counted until one runs there");
    }
    allWarnings.addAll(warnings);

    return List.of(
        condition(
            READY,
            allReady,
            allReady ? wording.readyReason() : notReadyReason,
            allReady
                ? wording.readyWhat() + " on " + ready + " of " + desired.size() + " node(s)"
                : progress,
            generation),
        condition(
            RECONCILING,
            !stalled && !allReady,
            stalled ? "Stalled" : allReady ? "Converged" : notReadyReason,
            stalled
                ? "stopped: a node refused the spec (see Stalled)"
                : allReady ? "every desired node has generation " + generation : progress,
            generation),
        condition(
            STALLED,
            stalled,
            stalled ? refused.get(0).reason : "NoRefusals",
            stalled ? describe(refused) : "no node refused the spec",
            generation),
        condition(
            DEGRADED,
            !troubled.isEmpty(),
            troubled.isEmpty() ? "NoErrors" : troubled.get(0).reason,
            troubled.isEmpty() ? "no node reports a problem" : describe(troubled),
            generation),
        condition(
            WARNING,
            !allWarnings.isEmpty(),
            !withoutAgent.isEmpty()
                ? "NodesWithoutAgent"
                : warnings.isEmpty() ? "NoWarnings" : reasonOf(warnings.get(0)),
            allWarnings.isEmpty() ? "no node reports a warning" : String.join("; ", allWarnings),
            generation));
  }

  private static Condition condition(
      String type, boolean status, String reason, String message, long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .build();
  }

  /**
   * True when a node refused the spec in a way that retrying will not fix until something changes
   * (another owner, a setting Docker refuses, a policy that forbids the change, a blocked cleanup).
   * A daemon that cannot be reached is retried and comes back by itself.
   */
  public static boolean refused(NodeReport r) {
    if (r.phase == null) {
      return false;
    }
    return switch (r.phase) {
      case Conflict, OutOfSync, Blocked -> true;
      case Error -> !TRANSIENT_ERRORS.contains(r.reason);
      default -> false;
    };
  }

  /** "; node-b: Error DockerUnavailable; no report yet from node-c" for the desired nodes. */
  private static String pending(List<NodeReport> current, Set<String> desired) {
    StringBuilder out = new StringBuilder();
    current.stream()
        .filter(r -> desired.contains(r.nodeName) && r.phase != Phase.Ready)
        .forEach(
            r ->
                out.append("; ")
                    .append(r.nodeName)
                    .append(": ")
                    .append(r.phase)
                    .append(' ')
                    .append(r.reason));
    Set<String> reported = current.stream().map(r -> r.nodeName).collect(Collectors.toSet());
    List<String> silent = desired.stream().filter(n -> !reported.contains(n)).sorted().toList();
    if (!silent.isEmpty()) {
      out.append("; no report yet from ").append(String.join(", ", silent));
    }
    return out.toString();
  }

  /** "node-b: Blocked ForeignEndpoints - ...; node-c: ..." */
  public static String describe(List<NodeReport> reports) {
    return reports.stream()
        .map(r -> r.nodeName + ": " + r.phase + " " + r.reason + " - " + r.message)
        .collect(Collectors.joining("; "));
  }

  /** "node-a: StaticAddressInIpRange: ..." → StaticAddressInIpRange. */
  private static String reasonOf(String warning) {
    String[] parts = warning.split(": ", 3);
    return parts.length >= 2 ? parts[1] : "Warning";
  }
}
