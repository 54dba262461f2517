package io.dockernet.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart's CRDs (the one checked-in copy) are exactly what the build generates. */
class CrdFilesTest {

  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path CHECKED_IN = Path.of("../helm/dockernet-operator/crds");

  @Test
  void checkedInCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> generated;
    try (Stream<Path> files = Files.list(GENERATED)) {
      generated = files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
    }
    assertThat(generated).as("generated CRDs").hasSize(4);
    for (Path g : generated) {
      Path checkedIn = CHECKED_IN.resolve(g.getFileName());
      assertThat(checkedIn)
          .as("%s is out of date: run hack/update-crds.sh and commit the chart's crds/", checkedIn)
          .exists()
          .hasSameTextualContentAs(g);
    }
  }
}
