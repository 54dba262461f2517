package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;
import static io.dockernet.operator.network.NetworkReports.ready;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot.State;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.network.NetworkRecreator.Result;
import io.dockernet.operator.node.PassReport;
import java.util.List;

/**
 * A node's report and events after a replacement ran as far as it could, so that the user reads
 * what was replaced, what was put back, and what is left to do. Pure: no I/O.
 */
final class ReplacementReports {

  private ReplacementReports() {}

  /**
   * @param name the Docker network's name
   * @param reason the reason a finished replacement reports ({@link NetworkReason#Recreated} or
   *     {@link NetworkReason#AdoptedByRecreate})
   * @param differences what the replacement changed, or empty when resumed
   * @param now the network of that name on the node now, or null
   */
  static PassReport<NetworkReport> after(
      DockerNetwork dn,
      String name,
      Result result,
      NetworkReason reason,
      List<String> differences,
      NetworkInfo now) {
    NetworkJournal journal = result.journal();
    String back = restoredSummary(journal);
    return switch (result.outcome()) {
      case DONE -> {
        String what =
            "replaced Docker network "
                + name
                + (differences.isEmpty() ? "" : " (" + String.join("; ", differences) + ")")
                + "; "
                + back;
        PassReport<NetworkReport> out =
            now == null ? PassReport.of(base(dn, null), reason, what) : ready(dn, now, false);
        yield lostOnes(journal).isEmpty()
            ? out.normal(reason, what)
            : out.warning("EndpointsLost", what + "; " + lostOnes(journal));
      }
      case ROLLED_BACK -> {
        String what =
            "the change was refused ("
                + journal.rollback
                + "); the network is back as it was; "
                + back
                + ". Not tried again until the spec changes";
        PassReport<NetworkReport> out =
            PassReport.of(base(dn, now), NetworkReason.RecreateRefused, what);
        out.report.refusedGeneration = dn.getMetadata().getGeneration();
        out.report.differences = differences.isEmpty() ? null : differences;
        yield out.warning(NetworkReason.RecreateRefused, what);
      }
      case INCOMPLETE, ROLLBACK_FAILED, BLOCKED -> {
        NetworkReason why =
            switch (result.outcome()) {
              case INCOMPLETE -> NetworkReason.EndpointsNotRestored;
              case ROLLBACK_FAILED -> NetworkReason.RollbackFailed;
              default -> NetworkReason.NetworkExists;
            };
        PassReport<NetworkReport> out =
            PassReport.of(
                base(dn, now),
                why,
                "replacing Docker network "
                    + name
                    + " is not finished: "
                    + result.message()
                    + "; it is retried, and the endpoints to put back are kept in this report's"
                    + " journal");
        out.report.journal = journal;
        yield out.warning(why, out.report.message);
      }
    };
  }

  private static String restoredSummary(NetworkJournal journal) {
    long restored = journal.endpoints.stream().filter(e -> e.state == State.Restored).count();
    List<String> released =
        journal.endpoints.stream()
            .filter(e -> e.state == State.Released)
            .map(e -> e.containerName)
            .toList();
    return "reconnected "
        + restored
        + " container(s)"
        + (released.isEmpty()
            ? ""
            : "; left off " + String.join(", ", released) + " (their ContainerAttachment went)");
  }

  private static String lostOnes(NetworkJournal journal) {
    List<String> lost =
        journal.endpoints.stream()
            .filter(e -> e.state == State.Lost)
            .map(e -> EndpointSnapshots.describe(e) + ": " + e.message)
            .toList();
    return lost.isEmpty() ? "" : "lost: " + String.join("; ", lost);
  }
}
