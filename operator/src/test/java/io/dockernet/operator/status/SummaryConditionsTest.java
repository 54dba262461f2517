package io.dockernet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What kubectl wait and kstatus read from a summary, for the ways nodes can stand. */
class SummaryConditionsTest {

  private static final SummaryConditions.Wording WORDING =
      new SummaryConditions.Wording(
          "AllNodesReady", "matches the spec", "NoNodesSelected", "no node is selected");
  private static final Set<String> AB = Set.of("node-a", "node-b");

  @Test
  void convergingIsReconcilingNotReadyNotStalled() {
    List<Condition> c =
        of(List.of(report("node-a", Phase.Ready, "NetworkReady", 2)), AB, List.of());
    assertThat(status(c, "Ready")).isEqualTo("False");
    assertThat(status(c, "Reconciling")).isEqualTo("True");
    assertThat(status(c, "Stalled")).isEqualTo("False");
    assertThat(message(c, "Reconciling")).contains("ready on 1 of 2", "no report yet from node-b");
  }

  @Test
  void aReportOfAnEarlierGenerationDoesNotCountAsReady() {
    List<Condition> c =
        of(
            List.of(
                report("node-a", Phase.Ready, "NetworkReady", 2),
                report("node-b", Phase.Ready, "NetworkReady", 1)),
            AB,
            List.of());
    assertThat(status(c, "Ready")).isEqualTo("False");
    assertThat(status(c, "Reconciling")).isEqualTo("True");
  }

  @Test
  void everyDesiredNodeReadyIsReadyAndNothingElse() {
    List<Condition> c =
        of(
            List.of(
                report("node-a", Phase.Ready, "NetworkReady", 2),
                report("node-b", Phase.Ready, "NetworkReady", 2)),
            AB,
            List.of());
    assertThat(status(c, "Ready")).isEqualTo("True");
    assertThat(reason(c, "Ready")).isEqualTo("AllNodesReady");
    assertThat(status(c, "Reconciling")).isEqualTo("False");
    assertThat(status(c, "Stalled")).isEqualTo("False");
    assertThat(status(c, "Degraded")).isEqualTo("False");
    assertThat(status(c, "Warning")).isEqualTo("False");
  }

  @Test
  void aRefusalStallsAndStopsReconciling() {
    List<Condition> c =
        of(
            List.of(
                report("node-a", Phase.Conflict, "NetworkExists", 2),
                report("node-b", Phase.Ready, "NetworkReady", 2)),
            AB,
            List.of());
    assertThat(status(c, "Stalled")).isEqualTo("True");
    assertThat(reason(c, "Stalled")).isEqualTo("NetworkExists");
    assertThat(message(c, "Stalled")).contains("node-a: Conflict NetworkExists");
    assertThat(status(c, "Reconciling")).isEqualTo("False");
    assertThat(status(c, "Ready")).isEqualTo("False");
    assertThat(status(c, "Degraded")).isEqualTo("True");
  }

  @Test
  void anUnreachableDaemonIsDegradedButStillReconcilingNotStalled() {
    List<Condition> c =
        of(
            List.of(
                report("node-a", Phase.Error, "DockerUnavailable", 2),
                report("node-b", Phase.Ready, "NetworkReady", 2)),
            AB,
            List.of());
    assertThat(status(c, "Reconciling")).isEqualTo("True");
    assertThat(status(c, "Stalled")).isEqualTo("False");
    assertThat(status(c, "Degraded")).isEqualTo("True");
  }

  @Test
  void refusalsAreWhatRetryingCannotFix() {
    assertThat(SummaryConditions.refused(report("n", Phase.Error, "PoolOverlap", 1))).isTrue();
    assertThat(SummaryConditions.refused(report("n", Phase.OutOfSync, "RecreateRequired", 1)))
        .isTrue();
    assertThat(SummaryConditions.refused(report("n", Phase.Blocked, "ForeignEndpoints", 1)))
        .isTrue();
    assertThat(SummaryConditions.refused(report("n", Phase.Error, "DockerUnavailable", 1)))
        .isFalse();
    assertThat(SummaryConditions.refused(report("n", Phase.Waiting, "ContainerNotFound", 1)))
        .isFalse();
    assertThat(SummaryConditions.refused(report("n", Phase.Pending, "Vanished", 1))).isFalse();
  }

  @Test
  void noDesiredNodeIsNotReadyAndStillInProgress() {
    List<Condition> c = of(List.of(), Set.of(), List.of());
    assertThat(status(c, "Ready")).isEqualTo("False");
    assertThat(reason(c, "Ready")).isEqualTo("NoNodesSelected");
    assertThat(status(c, "Reconciling")).isEqualTo("True");
    assertThat(reason(c, "Reconciling")).isEqualTo("NoNodesSelected");
  }

  @Test
  void aSelectedNodeWithoutAgentWarnsWithoutHoldingReadyBack() {
    List<Condition> c =
        of(
            List.of(
                report("node-a", Phase.Ready, "NetworkReady", 2),
                report("node-b", Phase.Ready, "NetworkReady", 2)),
            AB,
            List.of("node-c"));
    assertThat(status(c, "Ready")).isEqualTo("True");
    assertThat(status(c, "Warning")).isEqualTo("True");
    assertThat(reason(c, "Warning")).isEqualTo("NodesWithoutAgent");
    assertThat(message(c, "Warning")).contains("node-c");
  }

  @Test
  void everyConditionDescribesTheCurrentGeneration() {
    List<Condition> c = of(List.of(), AB, List.of());
    assertThat(c)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Reconciling", "Stalled", "Degraded", "Warning");
    assertThat(c).allSatisfy(x -> assertThat(x.getObservedGeneration()).isEqualTo(2L));
  }

  private static List<Condition> of(
      List<NodeReport> reports, Set<String> desired, List<String> withoutAgent) {
    return SummaryConditions.of(2, reports, desired, withoutAgent, List.of(), WORDING);
  }

  private static NodeReport report(String node, Phase phase, String reason, long generation) {
    NodeReport r = new NodeReport();
    r.nodeName = node;
    r.phase = phase;
    r.reason = reason;
    r.message = reason + " on " + node;
    r.observedGeneration = generation;
    return r;
  }

  private static Condition condition(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  private static String status(List<Condition> c, String type) {
    return condition(c, type).getStatus();
  }

  private static String reason(List<Condition> c, String type) {
    return condition(c, type).getReason();
  }

  private static String message(List<Condition> c, String type) {
    return condition(c, type).getMessage();
  }
}
