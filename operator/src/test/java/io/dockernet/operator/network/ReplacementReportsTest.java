package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot.State;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.network.NetworkRecreator.Outcome;
import io.dockernet.operator.network.NetworkRecreator.Result;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.status.EventRecorder.Note;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplacementReportsTest {

  private final DockerNetwork dn = storedNetwork("mynetwork", "198.18.0.0/24");
  private final NetworkInfo now =
      new NetworkInfo(
          "a".repeat(64),
          "mynetwork",
          "bridge",
          Map.of(),
          null,
          true,
          false,
          false,
          Map.of(),
          List.of(),
          true);

  @Test
  void aFinishedReplacementIsReadyAndSaysWhatChangedAndWhoIsBack() {
    PassReport<NetworkReport> out =
        after(
            Outcome.DONE,
            List.of("internal: false -> true"),
            endpoint("web", State.Restored),
            endpoint("gone", State.Released));

    assertThat(out.report.phase).isEqualTo(Phase.Ready);
    assertThat(out.report.journal).isNull();
    assertThat(out.notes)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.warning()).isFalse();
              assertThat(n.reason()).isEqualTo("Recreated");
              assertThat(n.message())
                  .contains("(internal: false -> true)")
                  .contains("reconnected 1 container(s)")
                  .contains("left off gone (their ContainerAttachment went)");
            });
  }

  @Test
  void aLostEndpointTurnsTheEventIntoAWarningNamingIt() {
    EndpointSnapshot lost = endpoint("tool", State.Lost);
    lost.message = "container removed";

    PassReport<NetworkReport> out = after(Outcome.DONE, List.of(), lost);

    assertThat(out.report.phase).isEqualTo(Phase.Ready);
    assertThat(out.notes).extracting(Note::reason).containsExactly("EndpointsLost");
    assertThat(out.notes.get(0).message()).contains("lost: tool: container removed");
  }

  @Test
  void aRefusedChangeIsNotTriedAgainForThisGeneration() {
    dn.getMetadata().setGeneration(3L);

    PassReport<NetworkReport> out = after(Outcome.ROLLED_BACK, List.of("internal: false -> true"));

    assertThat(out.report.phase).isEqualTo(Phase.Error);
    assertThat(out.report.reason).isEqualTo("RecreateRefused");
    assertThat(out.report.refusedGeneration).isEqualTo(3L);
    assertThat(out.report.journal).isNull();
  }

  @Test
  void anUnfinishedReplacementKeepsItsJournalInTheReport() {
    assertThat(after(Outcome.INCOMPLETE, List.of()).report)
        .satisfies(r -> assertThat(r.phase).isEqualTo(Phase.Error))
        .satisfies(r -> assertThat(r.reason).isEqualTo("EndpointsNotRestored"))
        .satisfies(r -> assertThat(r.journal).isNotNull());
    assertThat(after(Outcome.BLOCKED, List.of()).report.phase).isEqualTo(Phase.Conflict);
    assertThat(after(Outcome.ROLLBACK_FAILED, List.of()).report.reason).isEqualTo("RollbackFailed");
  }

  private PassReport<NetworkReport> after(
      Outcome outcome, List<String> differences, EndpointSnapshot... endpoints) {
    NetworkJournal journal = new NetworkJournal();
    journal.operation = "Recreate";
    journal.endpoints = List.of(endpoints);
    Result result = new Result(outcome, journal, "not yet");
    return ReplacementReports.after(
        dn, "mynetwork", result, NetworkReason.Recreated, differences, now);
  }

  private static EndpointSnapshot endpoint(String name, State state) {
    EndpointSnapshot e = new EndpointSnapshot();
    e.containerId = name + "-id";
    e.containerName = name;
    e.state = state;
    return e;
  }
}
