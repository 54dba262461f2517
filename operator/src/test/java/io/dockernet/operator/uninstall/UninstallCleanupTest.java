package io.dockernet.operator.uninstall;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UninstallCleanupTest {

  @Test
  void aMisspelledArgumentFailsTheHookBeforeAnythingIsDeleted() throws Exception {
    // No client: the command must not reach the API server with arguments it does not know.
    assertThat(UninstallCleanup.command(List.of("--timeout=5m"), null).exitCode()).isEqualTo(2);
    assertThat(UninstallCleanup.command(List.of("--timeout-seconds=5m"), null).exitCode())
        .isEqualTo(2);
  }

  @Test
  void theReasonNamesEveryNodeThatIsNotDoneWithItsPhaseAndMessage() {
    NodeReport blocked = report("node-b", Phase.Blocked, "ForeignEndpoints", "legacy attached");
    NodeReport done = report("node-a", Phase.Ready, "Ready", "fine");
    assertThat(UninstallCleanup.why(Arrays.asList(done, null, blocked)))
        .isEqualTo("node-b: Blocked ForeignEndpoints - legacy attached");
    assertThat(UninstallCleanup.why(List.of(done))).contains("is their agent running?");
  }

  private static NodeReport report(String node, Phase phase, String reason, String message) {
    NodeReport r = new NodeReport();
    r.nodeName = node;
    r.phase = phase;
    r.reason = reason;
    r.message = message;
    return r;
  }
}
