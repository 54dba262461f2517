package io.dockernet.operator.chart;

import io.dockernet.operator.testbed.HelmChart;
import io.dockernet.operator.testbed.TestBed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real kubectl of the test bed's Kubernetes version, against the test bed's API server. */
public final class Kubectl {

  private Kubectl() {}

  /** {@code kubectl args...} with KUBECONFIG set; returns its output, throws unless it exits 0. */
  public static String run(TestBed bed, String... args) {
    List<String> command = new ArrayList<>(List.of(binary().toString()));
    command.addAll(List.of(args));
    return Commands.run(
        Duration.ofMinutes(2), Map.of("KUBECONFIG", bed.kubeConfigFile().toString()), command);
  }

  /** Where hack/install-kube-binaries.sh puts it (kube-api-test's offline layout). */
  static Path binary() {
    String base = System.getenv("KUBE_API_TEST_DIR");
    Path root =
        base == null || base.isBlank()
            ? Path.of(System.getProperty("user.home"), ".kubeapitest")
            : Path.of(base);
    String arch = "aarch64".equals(System.getProperty("os.arch")) ? "arm64" : "amd64";
    Path kubectl =
        root.resolve("k8s").resolve(HelmChart.KUBE_VERSION + "-linux-" + arch).resolve("kubectl");
    if (!Files.isExecutable(kubectl)) {
      throw new IllegalStateException(kubectl + " missing: run hack/install-kube-binaries.sh");
    }
    return kubectl;
  }
}
