package io.dockernet.operator.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths in the repository, found from the working directory (the operator module under Maven). */
public final class Repo {

  private Repo() {}

  /**
   * {@code -Dtestbed.repoRoot}, else the first directory at or above the working dir with helm/.
   */
  public static Path root() {
    String configured = System.getProperty("testbed.repoRoot");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("helm/dockernet-operator/Chart.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "helm/dockernet-operator not found at or above " + Path.of("").toAbsolutePath());
  }

  public static Path chart() {
    return root().resolve("helm/dockernet-operator");
  }

  /** A copy of the chart at {@code target}, to change for a test. */
  public static Path copyOfChart(Path target) throws IOException {
    Path source = chart();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  public static Path examples() {
    return root().resolve("examples");
  }
}
