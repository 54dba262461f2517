package io.dockernet.operator.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.Repo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The GitOps snippets users copy are the files GitOpsStatusIT runs: the README shows them verbatim,
 * and the argocd-cm ConfigMap carries exactly the Lua scripts.
 */
class GitOpsSnippetsTest {

  private static final Path GITOPS = Repo.root().resolve("docs/gitops");

  @Test
  void theReadmeShowsTheSnippetsAsTested() throws IOException {
    String readme = Files.readString(Repo.root().resolve("README.md"));
    for (String file : new String[] {"flux-kustomization.yaml", "argocd-cm.yaml"}) {
      assertThat(readme)
          .as("README.md shows docs/gitops/%s verbatim", file)
          .contains("```yaml\n" + Files.readString(GITOPS.resolve(file)) + "```\n");
    }
  }

  @Test
  void theArgoCdConfigMapCarriesTheTestedScripts() throws IOException {
    ConfigMap cm =
        Serialization.unmarshal(
            Files.readString(GITOPS.resolve("argocd-cm.yaml")), ConfigMap.class);
    for (String kind : new String[] {"DockerNetwork", "ContainerAttachment"}) {
      assertThat(cm.getData().get("resource.customizations.health.dockernet.io_" + kind))
          .as("argocd-cm's script for %s", kind)
          .isEqualTo(
              Files.readString(
                  GITOPS.resolve("argocd/dockernet.io").resolve(kind).resolve("health.lua")));
    }
  }
}
