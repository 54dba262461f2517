package io.dockernet.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README.md's per-node reason tables are generated from the reason enums: this fails when they
 * drift. {@code hack/update-reason-docs.sh} (this test with {@code -Dreason.docs.update=true})
 * rewrites them.
 */
class ReasonReferenceTest {

  private static final String STALE =
      "README.md's reason tables are stale: run hack/update-reason-docs.sh";

  @Test
  void readmeTroubleshootingIsWhatTheReasonsSay() throws IOException {
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
            "| `Error` / `DockerUnavailable` |");
  }
}
