package io.dockernet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How nodes' reports fold into the summary every kind shares, and when it is written again. */
class NodeSummaryTest {

  private static final SummaryConditions.Wording WORDING =
      new SummaryConditions.Wording(
          "AllNodesReady", "matches the spec", "NoNodesSelected", "no node is selected");
  private static final Set<String> AB = Set.of("node-a", "node-b");
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");

  @Test
  void readyCountsTheDesiredNodesReadyForTheCurrentGeneration() {
    NodeSummary s =
        builder(null, T0)
            .reports(
                List.of(
                    report("node-a", Phase.Ready, 2),
                    report("node-b", Phase.Ready, 1),
                    report("node-c", Phase.Ready, 2)),
                Set.of("node-a", "node-b", "node-c"))
            .desired(AB)
            .build();
    assertThat(s.ready()).isEqualTo("1/2");
    assertThat(s.readyNodes()).isEqualTo(1);
    assertThat(s.desiredNodes()).isEqualTo(2);
    assertThat(s.observedGeneration()).isEqualTo(2);
    assertThat(status(s, "Ready")).isEqualTo("False");
  }

  @Test
  void aReportOfANodeWhoseAgentStoppedIsListedButNotCounted() {
    NodeSummary s =
        builder(null, T0)
            .reports(
                List.of(report("node-b", Phase.Conflict, 2), report("node-a", Phase.Ready, 2)),
                Set.of("node-a"))
            .desired(Set.of("node-a"))
            .withoutAgent(List.of("node-b"))
            .build();
    assertThat(s.ready()).isEqualTo("1/1");
    assertThat(s.nodes()).extracting(n -> n.nodeName).containsExactly("node-a", "node-b");
    assertThat(s.nodesWithoutAgent()).containsExactly("node-b");
    assertThat(status(s, "Ready")).isEqualTo("True");
    assertThat(status(s, "Stalled")).isEqualTo("False");
  }

  @Test
  void theDesiredNodesCanBeThoseThatReported() {
    NodeSummary s =
        builder(null, T0)
            .reports(
                List.of(
                    report("node-a", Phase.Ready, 2),
                    report("node-b", Phase.Waiting, 2),
                    report("node-c", Phase.Ready, 2)),
                AB)
            .desiredAreReporting()
            .build();
    assertThat(s.ready()).isEqualTo("1/2");
  }

  @Test
  void nodeWarningsOfCurrentReportsSurfaceWithTheNodesName() {
    AttachmentReport current = attachmentReport("node-a", 2, "StaticAddressInIpRange: x");
    AttachmentReport old = attachmentReport("node-b", 1, "OldWarning: y");
    NodeSummary s =
        new NodeSummary.Builder<AttachmentReport>(2, null, WORDING)
            .clock(clock(T0))
            .reports(List.of(current, old), AB)
            .desiredAreReporting()
            .warnings(r -> r.warnings)
            .build();
    assertThat(status(s, "Warning")).isEqualTo("True");
    assertThat(condition(s, "Warning").getReason()).isEqualTo("StaticAddressInIpRange");
    assertThat(condition(s, "Warning").getMessage()).isEqualTo("node-a: StaticAddressInIpRange: x");
  }

  @Test
  void nodeLinesAreShortAndNoAgentMissingLeavesTheFieldOut() {
    NodeReport full = report("node-a", Phase.Ready, 2);
    full.engineVersion = "28.5.2";
    full.apiVersion = "1.51";
    NodeSummary s = builder(null, T0).reports(List.of(full), AB).desired(AB).build();
    assertThat(s.nodes().get(0).engineVersion).isNull();
    assertThat(s.nodes().get(0).message).isEqualTo(full.message);
    assertThat(s.nodesWithoutAgent()).isNull();
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
    NodeSummary before =
        builder(null, T0)
            .reports(List.of(report("node-a", Phase.Ready, 2)), AB)
            .desired(AB)
            .build();
    assertThat(condition(before, "Ready").getLastTransitionTime())
        .isEqualTo("2026-01-01T10:00:00Z");

    NodeSummary after =
        builder(before.conditions(), T1)
            .reports(
                List.of(report("node-a", Phase.Ready, 2), report("node-b", Phase.Ready, 2)), AB)
            .desired(AB)
            .build();
    assertThat(status(after, "Ready")).isEqualTo("True");
    assertThat(condition(after, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T10:05:00Z");
    assertThat(condition(after, "Stalled").getLastTransitionTime())
        .isEqualTo("2026-01-01T10:00:00Z");
    assertThat(condition(after, "Degraded").getLastTransitionTime())
        .isEqualTo("2026-01-01T10:00:00Z");
  }

  @Test
  void aSummaryOfUnchangedReportsChangesNothingSoItIsNotWritten() {
    List<NodeReport> reports = List.of(report("node-a", Phase.Ready, 2));
    NodeSummary stored = builder(null, T0).reports(reports, AB).desired(AB).build();

    NodeSummary again = builder(stored.conditions(), T1).reports(reports, AB).desired(AB).build();
    assertThat(NodeSummary.changes(stored, again)).isFalse();

    NodeSummary moved =
        builder(stored.conditions(), T1)
            .reports(List.of(report("node-a", Phase.Error, 2)), AB)
            .desired(AB)
            .build();
    assertThat(NodeSummary.changes(stored, moved)).isTrue();
    assertThat(NodeSummary.changes(null, again)).isTrue();
  }

  @Test
  void whichNodesAreDesiredMustBeSaid() {
    assertThatThrownBy(() -> builder(null, T0).reports(List.of(), AB).build())
        .isInstanceOf(IllegalStateException.class);
  }

  private static NodeSummary.Builder<NodeReport> builder(List<Condition> previous, Instant now) {
    return new NodeSummary.Builder<>(2, previous, WORDING).clock(clock(now));
  }

  private static Clock clock(Instant now) {
    return Clock.fixed(now, ZoneOffset.UTC);
  }

  private static NodeReport report(String node, Phase phase, long generation) {
    NodeReport r = new NodeReport();
    fill(r, node, phase, generation);
    return r;
  }

  private static AttachmentReport attachmentReport(String node, long generation, String warning) {
    AttachmentReport r = new AttachmentReport();
    fill(r, node, Phase.Ready, generation);
    r.warnings = List.of(warning);
    return r;
  }

  private static void fill(NodeReport r, String node, Phase phase, long generation) {
    r.nodeName = node;
    r.phase = phase;
    r.reason = phase + "Reason";
    r.message = phase + " on " + node;
    r.observedGeneration = generation;
  }

  private static Condition condition(NodeSummary s, String type) {
    return s.conditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  private static String status(NodeSummary s, String type) {
    return condition(s, type).getStatus();
  }
}
