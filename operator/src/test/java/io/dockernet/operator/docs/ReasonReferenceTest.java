package io.dockernet.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README.md's phase tables (API section) and per-node reason tables (Troubleshooting) are generated
 * from the reason enums: this fails when they drift. {@code hack/update-reason-docs.sh} (this test
 * with {@code -Dreason.docs.update=true}) rewrites them.
 */
class ReasonReferenceTest {

  private static final String STALE =
      "README.md's reason tables are stale: run hack/update-reason-docs.sh";

  @Test
  void readmeTablesAreWhatTheReasonsSay() throws IOException {
    Path file = Repo.root().resolve("README.md");
    String generated = ReasonReference.into(Files.readString(file));
    if (Boolean.getBoolean("reason.docs.update")) {
      Files.writeString(file, generated);
    }
    assertThat(Files.readString(file)).as(STALE).isEqualTo(generated);
    assertThat(generated)
        .contains(
            "| `Conflict` / `NetworkExists` |",
            "| `Waiting` / `ContainerNotFound` |",
            "| `Error` / `DockerUnavailable` |",
            "| `OutOfSync` | `RecreateRequired` (",
            "| `Waiting` | `ContainerNotFound`, ");
  }

  @Test
  void eachKindsPhaseTableHasTheSharedReasons() throws IOException {
    String generated = ReasonReference.into(Files.readString(Repo.root().resolve("README.md")));
    for (String kind : List.of("DockerNetwork", "ContainerAttachment")) {
      String begin = "<!-- generated: " + kind + " phases";
      String table =
          generated.substring(
              generated.indexOf(begin),
              generated.indexOf(ReasonReference.END, generated.indexOf(begin)));
      assertThat(table)
          .as(kind)
          .contains("`DockerUnavailable`", "`EngineTooOld`", "`EngineTooNew`", "| `Deleting` |");
    }
  }
}
