package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.docker.Engine;
import io.dockernet.operator.docker.EngineCapabilities;
import io.dockernet.operator.docs.ReasonReference;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vocabulary of per-node reasons: one word each, documented, shared with the docker package.
 */
class ReportReasonsTest {

  @Test
  void everyReasonIsOneDocumentedWordOfOneKind() {
    List<ReportReason> all = ReasonReference.all();
    assertThat(all.stream().map(ReportReason::name)).doesNotHaveDuplicates();
    assertThat(all)
        .allSatisfy(
            r -> {
              assertThat(r.name()).as("one CamelCase word").matches("[A-Z][a-z]+([A-Z][a-z0-9]*)*");
              assertThat(r.phase()).isNotNull();
              assertThat(r.help())
                  .as(r.name())
                  .isNotBlank()
                  .doesNotContain("\n")
                  .doesNotEndWith(".");
              assertThat(r.summary())
                  .as(r.name())
                  .isNotNull()
                  .doesNotContain("\n")
                  .doesNotEndWith(".");
            });
  }

  /** The docker package keeps its reasons as strings; each must be a word of {@link NodeReason}. */
  @Test
  void theDockerPackagesReasonsAreNodeReasons() {
    List<String> docker =
        List.of(
            new DockerUnavailableException("connection refused", null).reason(),
            Engine.negotiate("19.03.15", "1.40", null).refusal().orElseThrow().reason(),
            Engine.negotiate("99.0.0", "1.60", "1.55").refusal().orElseThrow().reason(),
            Engine.TOO_OLD,
            Engine.TOO_NEW,
            EngineCapabilities.UNSUPPORTED);
    List<String> shared = Arrays.stream(NodeReason.values()).map(NodeReason::name).toList();
    assertThat(docker).allSatisfy(reason -> assertThat(shared).contains(reason));
  }
}
