package io.dockernet.operator.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Where kube-api-test finds its binaries offline: {@code ~/.kubeapitest/k8s/<v>-linux-<arch>}. */
final class KubeBinaries {

  private KubeBinaries() {}

  static Path dir(String version) {
    String base = System.getenv("KUBE_API_TEST_DIR");
    Path root =
        base == null || base.isBlank()
            ? Path.of(System.getProperty("user.home"), ".kubeapitest")
            : Path.of(base);
    String arch = System.getProperty("os.arch");
    arch =
        switch (arch) {
          case "x86_64" -> "amd64";
          case "aarch64" -> "arm64";
          default -> arch;
        };
    return root.resolve("k8s").resolve(version + "-linux-" + arch);
  }

  static boolean complete(Path dir) {
    return Files.isExecutable(dir.resolve("etcd"))
        && Files.isExecutable(dir.resolve("kube-apiserver"))
        && Files.isExecutable(dir.resolve("kubectl"));
  }

  /** First line of {@code etcd --version}, e.g. {@code etcd Version: 3.6.4}. */
  static String etcdVersion(Path dir) {
    try {
      Process process =
          new ProcessBuilder(dir.resolve("etcd").toString(), "--version")
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return output.lines().findFirst().orElse("?").replaceFirst("^etcd Version: ", "");
    } catch (IOException e) {
      return "? (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "? (interrupted)";
    }
  }
}
