package io.dockernet.operator.status;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a parent's status says about its nodes, the part every kind shares; each summary reconciler
 * copies it into its own status type next to what only that kind has.
 *
 * @param readyNodes desired nodes whose report is Ready for the current generation
 * @param desiredNodes how many nodes should act on the parent
 * @param ready {@code readyNodes/desiredNodes}, e.g. 2/3
 * @param conditions see {@link SummaryConditions}
 * @param nodesWithoutAgent selected nodes without a live agent; null when there are none, so the
 *     field is left out of the status
 * @param nodes the short line of every node that reported, by node name
 */
public record NodeSummary(
    long observedGeneration,
    int readyNodes,
    int desiredNodes,
    String ready,
    List<Condition> conditions,
    List<String> nodesWithoutAgent,
    List<NodeReport> nodes) {

  /**
   * Whether writing {@code next} would change what readers of the status see; a summary rebuilt
   * from the same reports equals the one stored, lastTransitionTimes included.
   */
  public static boolean changes(Object current, Object next) {
    var mapper = Serialization.jsonMapper();
    return current == null || !mapper.valueToTree(current).equals(mapper.valueToTree(next));
  }

  /**
   * Folds the nodes' reports on one parent into its summary (Keycloak's status aggregator is the
   * model): fed the reports and which nodes should act, it builds the conditions once for every
   * kind and keeps the lastTransitionTime of each whose status did not change.
   *
   * @param <R> the kind's report type
   */
  public static final class Builder<R extends NodeReport> {

    private final long generation;
    private final List<Condition> previous;
    private final SummaryConditions.Wording wording;
    private Clock clock = Clock.systemUTC();
    private List<R> reports = List.of();
    private Set<String> liveAgents = Set.of();
    private Set<String> desired;
    private boolean desiredAreReporting;
    private List<String> withoutAgent = List.of();
    private Function<? super R, List<String>> warnings = r -> null;

    /**
     * @param generation the parent's generation the summary describes
     * @param previous the conditions in the parent's status now, or null
     */
    public Builder(long generation, List<Condition> previous, SummaryConditions.Wording wording) {
      this.generation = generation;
      this.previous = previous == null ? List.of() : previous;
      this.wording = wording;
    }

    /**
     * @param reports every report on the parent; all are listed, but only those of nodes whose
     *     agent is alive count: a report of a node whose agent stopped says nothing current
     */
    public Builder<R> reports(Collection<? extends R> reports, Set<String> liveAgents) {
      this.reports = List.copyOf(reports);
      this.liveAgents = liveAgents;
      return this;
    }

    /** The nodes that should act on the parent (selected, with a live agent). */
    public Builder<R> desired(Set<String> desired) {
      this.desired = desired;
      return this;
    }

    /**
     * The nodes that should act are those whose live agent reported: for a kind whose agents report
     * only where there is something to act on (a ContainerAttachment's container).
     */
    public Builder<R> desiredAreReporting() {
      this.desiredAreReporting = true;
      return this;
    }

    /** Selected nodes without a live agent: a Warning, not a wait. */
    public Builder<R> withoutAgent(List<String> withoutAgent) {
      this.withoutAgent = withoutAgent;
      return this;
    }

    /** What of a current report is a warning ("Reason: text"); the node's name is put before. */
    public Builder<R> warnings(Function<? super R, List<String>> warnings) {
      this.warnings = warnings;
      return this;
    }

    Builder<R> clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public NodeSummary build() {
      if ((desired == null) == !desiredAreReporting) {
        throw new IllegalStateException("say either which nodes are desired or that they report");
      }
      List<R> shown = reports.stream().sorted(Comparator.comparing(r -> r.nodeName)).toList();
      List<R> counted = shown.stream().filter(r -> liveAgents.contains(r.nodeName)).toList();
      Set<String> should =
          desiredAreReporting
              ? counted.stream().map(r -> r.nodeName).collect(Collectors.toCollection(TreeSet::new))
              : desired;
      List<R> current =
          counted.stream().filter(r -> Objects.equals(r.observedGeneration, generation)).toList();
      int ready =
          (int)
              current.stream()
                  .filter(r -> r.phase == Phase.Ready && should.contains(r.nodeName))
                  .count();
      List<String> nodeWarnings = new ArrayList<>();
      for (R r : current) {
        List<String> own = warnings.apply(r);
        if (own != null) {
          own.forEach(w -> nodeWarnings.add(r.nodeName + ": " + w));
        }
      }
      List<Condition> conditions =
          SummaryConditions.of(generation, counted, should, withoutAgent, nodeWarnings, wording);
      return new NodeSummary(
          generation,
          ready,
          should.size(),
          ready + "/" + should.size(),
          keepTransitionTimes(conditions),
          withoutAgent.isEmpty() ? null : List.copyOf(withoutAgent),
          shown.stream().map(Builder::line).toList());
    }

    /**
     * A condition's lastTransitionTime is when its status last changed: copied from the previous
     * condition of its type while the status holds (so that an unchanged summary is not written
     * again), now otherwise.
     */
    private List<Condition> keepTransitionTimes(List<Condition> conditions) {
      String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
      for (Condition c : conditions) {
        c.setLastTransitionTime(
            previous.stream()
                .filter(p -> c.getType().equals(p.getType()))
                .filter(p -> c.getStatus().equals(p.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(now));
      }
      return conditions;
    }

    /** The short per-node line kept in the parent's status (the report object has the rest). */
    private static NodeReport line(NodeReport full) {
      NodeReport r = new NodeReport();
      r.nodeName = full.nodeName;
      r.phase = full.phase;
      r.reason = full.reason;
      r.message = full.message;
      r.observedGeneration = full.observedGeneration;
      r.lastTransitionTime = full.lastTransitionTime;
      return r;
    }
  }
}
