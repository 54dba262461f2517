package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which of Docker's answers the gateway reports as a refusal, and which as the daemon's absence.
 */
class DockerErrorsTest {

  /**
   * Seen from Engine 20.10 removing a network while it was being restarted: a refusal would end a
   * network replacement for good ("not tried again until the spec changes").
   */
  @Test
  void aStoppingDaemonsClosedStoreIsItsAbsenceNotARefusal() {
    DockerException e =
        DockerErrors.fromStatus(
            500,
            "error while removing network: error marking network restart-legacy (c710) for"
                + " deletion: failed to update store for object type *libnetwork.network: open :"
                + " no such file or directory",
            null);

    assertThat(e).isInstanceOf(DockerUnavailableException.class);
  }

  /**
   * Seen from Engine 20.10 creating the replacement network while it was being restarted
   * (DaemonRestartDuringBulkApplyIT, CI at 4e074a3): taken as a refusal, the replacement ended in
   * RecreateRefused and the network kept its old spec until the spec changed again.
   */
  @Test
  void aStoppingDaemonsClosedBridgeDatabaseIsItsAbsenceNotARefusal() {
    DockerException e =
        DockerErrors.fromStatus(
            500,
            "failed to update bridge store for object type *bridge.networkConfiguration:"
                + " database not open",
            null);

    assertThat(e).isInstanceOf(DockerUnavailableException.class);
  }

  @Test
  void anotherServerErrorIsStillARefusal() {
    assertThat(DockerErrors.fromStatus(500, "invalid pool request: Pool overlaps", null))
        .isInstanceOf(DockerRejectedException.class);
  }
}
