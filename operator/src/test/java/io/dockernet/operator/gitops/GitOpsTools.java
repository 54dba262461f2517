package io.dockernet.operator.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import io.dockernet.operator.chart.Commands;
import io.dockernet.operator.chart.Kubectl;
import io.dockernet.operator.testbed.Repo;
import io.dockernet.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the GitOps tools say about a live object, computed by their own code: kstatus
 * (sigs.k8s.io/cli-utils, as Flux, kpt and Config Sync), the Argo CD health scripts of docs/gitops
 * as Argo CD runs them (gopher-lua), the Flux healthCheckExprs of docs/gitops as Flux evaluates
 * them (cel-go), through hack/gitops-check; and what {@code kubectl wait} does.
 */
final class GitOpsTools {

  /** A tool's verdict: a status (InProgress, Current, Healthy, ...) and its message. */
  record Verdict(String status, String message) {}

  /** All three verdicts on one snapshot of an object. */
  record Verdicts(Verdict kstatus, Verdict argocd, Verdict flux) {}

  private final Path binary;

  private GitOpsTools(Path binary) {
    this.binary = binary;
  }

  /** Builds hack/gitops-check unless its cached build is current (hack/test.sh did already). */
  static GitOpsTools install() {
    Commands.run(Duration.ofMinutes(10), Map.of(), List.of("bash", "hack/install-gitops-check.sh"));
    String dir = System.getenv("DOCKERNET_TOOLS_DIR");
    Path tools =
        dir == null || dir.isBlank()
            ? Path.of(System.getProperty("user.home"), ".cache", "dockernet-operator")
            : Path.of(dir);
    return new GitOpsTools(tools.resolve("gitops-check"));
  }

  /** What each tool says about this one state of the object (the same JSON for all three). */
  Verdicts of(GenericKubernetesResource object) {
    String json = Serialization.asJson(object);
    String kind = object.getKind();
    Path script = Repo.root().resolve("docs/gitops/argocd/dockernet.io").resolve(kind);
    return new Verdicts(
        run(json, "kstatus"),
        run(json, "argocd", script.resolve("health.lua").toString()),
        run(json, "flux", Repo.root().resolve("docs/gitops/flux-kustomization.yaml").toString()));
  }

  /**
   * {@code kubectl wait --for=condition=Ready --timeout=0s}: true when it returns at once because
   * the object is Ready (a zero timeout makes kubectl check once instead of waiting).
   */
  static boolean kubectlWaitSucceeds(TestBed bed, String resource, String name) {
    try {
      Kubectl.run(bed, "wait", "--for=condition=Ready", "--timeout=0s", resource + "/" + name);
      return true;
    } catch (IllegalStateException notReady) {
      return false;
    }
  }

  private Verdict run(String json, String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(json.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
      JsonNode v = Serialization.jsonMapper().readTree(out);
      return new Verdict(v.path("status").asText(), v.path("message").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
