package io.dockernet.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md is generated from the chart's crds/: this fails when they drift. {@code
 * hack/update-api-docs.sh} (this test with {@code -Dapi.docs.update=true}) rewrites it.
 */
class ApiReferenceTest {

  @Test
  void docsApiMdIsWhatTheCrdsSay() throws IOException {
    String generated = ApiReference.render(Repo.chart().resolve("crds"));
    Path file = Repo.root().resolve("docs/api.md");
    if (Boolean.getBoolean("api.docs.update")) {
      Files.writeString(file, generated);
    }
    assertThat(file).as("docs/api.md is stale: run hack/update-api-docs.sh").exists();
    assertThat(Files.readString(file))
        .as("docs/api.md is stale: run hack/update-api-docs.sh")
        .isEqualTo(generated);
    assertThat(generated).contains("## DockerNetwork", "`spec.ipam.config[].subnet`");
  }
}
