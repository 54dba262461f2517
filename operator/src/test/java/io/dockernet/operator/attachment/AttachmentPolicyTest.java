package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.storedAttachment;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.attachment.NodeAttachmentSync.Target;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.config.NodePolicy.AttachmentMode;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.node.NetworkGuard;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whoever may create a ContainerAttachment does not thereby reach every container of every node:
 * under the chart's default policy a container is attached only if it opted in, never to Docker's
 * default bridge, only when named exactly, and never under another container's name. Each refusal
 * is the node's report, and Docker is not written to.
 */
class AttachmentPolicyTest {

  private static final Target MYNETWORK = new Target("mynetwork", true, false, true);
  private static final Target BRIDGE = new Target("bridge", true, false, false);
  private static final Map<String, String> OPTED_IN = Map.of(Keys.DOCKER_ATTACHABLE, "true");

  private final FakeDockerGateway docker = new FakeDockerGateway();

  @BeforeEach
  void seed() {
    docker.createNetwork(FakeDockerGateway.bridge("mynetwork", "198.18.100.0/24"));
  }

  private NodeAttachmentSync sync(NodePolicy policy) {
    return new NodeAttachmentSync(
        docker, (pid, mac) -> Optional.empty(), new NetworkGuard(), policy);
  }

  private AttachmentReport ensure(NodePolicy policy, ContainerAttachment ca, Target target) {
    AttachmentReport report = sync(policy).ensure(ca, target, List.of(), null).report;
    return report;
  }

  @Test
  void aContainerThatDidNotOptInIsRefusedAndOneThatDidIsAttached() {
    docker.addContainer("legacy", "default");
    docker.addContainer("app", "default", OPTED_IN);
    docker.resetWriteCount();

    AttachmentReport refused =
        ensure(
            NodePolicy.DEFAULTS,
            storedAttachment("legacy", "legacy", "mynetwork", null),
            MYNETWORK);

    assertThat(refused.phase).isEqualTo(Phase.Error);
    assertThat(refused.reason).isEqualTo("ContainerNotOptedIn");
    assertThat(refused.message).contains("io.dockernet.attachable=true", "legacy");
    assertThat(docker.writeCount()).as("Docker writes").isZero();
    assertThat(docker.findContainer("legacy").orElseThrow().networks())
        .doesNotContainKey("mynetwork");

    assertThat(
            ensure(
                    NodePolicy.DEFAULTS,
                    storedAttachment("app", "app", "mynetwork", null),
                    MYNETWORK)
                .phase)
        .isEqualTo(Phase.Ready);
  }

  @Test
  void anOpenPolicyAttachesAnyContainer() {
    docker.addContainer("legacy", "default");
    NodePolicy open = NodePolicy.DEFAULTS.withAttachments(AttachmentMode.Open, false);

    assertThat(
            ensure(open, storedAttachment("legacy", "legacy", "mynetwork", null), MYNETWORK).phase)
        .isEqualTo(Phase.Ready);
  }

  @Test
  void theDefaultBridgeOnlyWhenTheClusterAllowsIt() {
    docker.addContainer("internal-only", "mynetwork", OPTED_IN);
    ContainerAttachment egress = storedAttachment("egress", "internal-only", "bridge", null);
    egress.getSpec().aliases = List.of();
    docker.resetWriteCount();

    AttachmentReport refused = ensure(NodePolicy.DEFAULTS, egress, BRIDGE);

    assertThat(refused.reason).isEqualTo("DefaultBridgeNotAllowed");
    assertThat(refused.message).contains("default bridge", "attachmentPolicy.allowDefaultBridge");
    assertThat(docker.writeCount()).as("Docker writes").isZero();
    NodePolicy allowing = NodePolicy.DEFAULTS.withAttachments(AttachmentMode.OptIn, true);
    assertThat(ensure(allowing, egress, BRIDGE).phase).isEqualTo(Phase.Ready);
  }

  @Test
  void aContainerNamedByAnIdPrefixIsRefusedAndItsFullIdIsAccepted() {
    String id = docker.addContainer("app", "default", OPTED_IN);
    docker.resetWriteCount();

    AttachmentReport refused =
        ensure(
            NodePolicy.DEFAULTS,
            storedAttachment("by-prefix", id.substring(0, 12), "mynetwork", null),
            MYNETWORK);

    assertThat(refused.reason).isEqualTo("ContainerNameNotExact");
    assertThat(refused.message).contains("only by an ID prefix", "full name or full ID");
    assertThat(docker.writeCount()).as("Docker writes").isZero();
    ContainerAttachment byId = storedAttachment("by-id", id, "mynetwork", null);
    byId.getSpec().aliases = List.of();
    assertThat(ensure(NodePolicy.DEFAULTS, byId, MYNETWORK).phase).isEqualTo(Phase.Ready);
  }

  @Test
  void anAliasThatIsAnotherContainersNameOnTheNetworkIsRefused() {
    String db = docker.addContainer("db", "default");
    docker.connect(
        docker.findNetwork("mynetwork").orElseThrow().id(),
        db,
        new EndpointRequest(null, null, null, List.of(), null, null, null));
    docker.addContainer("impostor", "default", OPTED_IN);
    ContainerAttachment ca = storedAttachment("impostor", "impostor", "mynetwork", null);
    ca.getSpec().aliases = List.of("cache", "db");
    docker.resetWriteCount();

    AttachmentReport refused = ensure(NodePolicy.DEFAULTS, ca, MYNETWORK);

    assertThat(refused.reason).isEqualTo("AliasTaken");
    assertThat(refused.message)
        .contains("alias db is the name of another container on network mynetwork");
    assertThat(docker.writeCount()).as("Docker writes").isZero();
  }
}
