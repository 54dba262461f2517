package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version negotiation with daemons no test bed Engine can stand for: one older than 20.10, and one
 * whose version changes between calls (restarted as an upgrade while the agent runs). Real Engines
 * 20.10, 26.1.5 and 28.5.2 with the 1.44 floor are spoken to in DockerJavaGatewayIT and EnginesIT.
 */
class DockerJavaGatewayNegotiationTest {

  @Test
  void anEngineOlderThan2010IsRefusedWithBothVersionsAndNothingElseIsSent(@TempDir Path dir)
      throws Exception {
    try (ScriptedDaemon daemon =
            new ScriptedDaemon(dir.resolve("old.sock"), "19.03.15", "1.40", "1.12");
        DockerJavaGateway gateway = gateway(daemon)) {
      assertThatThrownBy(() -> gateway.findNetwork("mynetwork"))
          .isInstanceOfSatisfying(
              EngineUnsupportedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo("EngineTooOld");
                assertThat(e.getMessage()).contains("19.03.15").contains("1.40").contains("1.41");
              });
      assertThat(gateway.knownEngine())
          .hasValueSatisfying(e -> assertThat(e.supported()).isFalse());
      assertThat(daemon.requests()).allMatch(r -> r.equals("GET /version"));
    }
  }

  @Test
  void aDaemonUpgradedInPlaceIsAskedAgainAndSpokenToInItsNewVersion(@TempDir Path dir)
      throws Exception {
    try (ScriptedDaemon daemon =
            new ScriptedDaemon(dir.resolve("d.sock"), "20.10.24", "1.41", "1.12");
        DockerJavaGateway gateway = gateway(daemon)) {
      assertThat(gateway.findNetwork("mynetwork")).isEmpty();
      assertThat(gateway.engine().api()).hasToString("1.41");

      // Restarted as Engine 29.0: refuses 1.41. The next call is answered "too old", the gateway
      // asks again and repeats the call in the new version.
      daemon.become("29.0.0", "1.52", "1.44");
      assertThat(gateway.findNetwork("mynetwork")).isEmpty();

      assertThat(gateway.engine().api()).hasToString("1.51");
      assertThat(gateway.knownEngine().orElseThrow().version()).isEqualTo("29.0.0");
      // docker-java's own commands speak the same version as the raw calls.
      assertThatThrownBy(() -> gateway.removeNetwork("mynetwork"))
          .isInstanceOf(DockerNotFoundException.class);
      assertThat(daemon.requests())
          .containsSubsequence(
              "GET /v1.41/networks/mynetwork",
              "GET /version",
              "GET /v1.51/networks/mynetwork",
              "DELETE /v1.51/networks/mynetwork");
    }
  }

  @Test
  void anEngineBackInASupportedVersionIsUsedAgain(@TempDir Path dir) throws Exception {
    try (ScriptedDaemon daemon =
            new ScriptedDaemon(dir.resolve("d.sock"), "19.03.15", "1.40", "1.12");
        DockerJavaGateway gateway = gateway(daemon)) {
      assertThatThrownBy(gateway::engine).isInstanceOf(EngineUnsupportedException.class);

      daemon.become("26.1.5", "1.45", "1.24");

      assertThat(gateway.engine().api()).hasToString("1.45");
      assertThat(gateway.findNetwork("mynetwork")).isEmpty();
      assertThat(daemon.requests()).contains("GET /v1.45/networks/mynetwork");
    }
  }

  private static DockerJavaGateway gateway(ScriptedDaemon daemon) {
    return DockerJavaGateway.create(
        URI.create("unix://" + daemon.socket()),
        new SimpleMeterRegistry(),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        2);
  }
}
