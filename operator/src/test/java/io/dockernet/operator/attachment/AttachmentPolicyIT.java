package io.dockernet.operator.attachment;

import static io.dockernet.operator.attachment.AttachmentTestSupport.awaitReport;
import static io.dockernet.operator.attachment.AttachmentTestSupport.endpoint;
import static io.dockernet.operator.testbed.Fixtures.attachment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's default attachment policy on a real node: node-a's agent runs it (only containers
 * that opted in, not Docker's default bridge). Someone who may create ContainerAttachments tries to
 * reach containers that did not opt in, to give one a way out through the default bridge, to name a
 * container by an ID prefix and to take another container's DNS name: each attempt is refused with
 * a reason in the node's report, and `docker inspect` shows nothing changed.
 */
@ExtendWith(TestBedExtension.class)
class AttachmentPolicyIT {

  private static final String NODE = "node-a";
  private static final String NETWORK = "policy-net";
  private static final Map<String, String> OPTED_IN = Map.of(Keys.DOCKER_ATTACHABLE, "true");

  private static TestBed bed;
  private static KubernetesClient kube;
  private static RunningOperators operators;
  private static DockerClient docker;

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    bed.cleanDocker();
    docker = bed.node(NODE).docker();
    operators = RunningOperators.start(bed);
    Fixtures.deleteAll(kube);
    operators.startAgent(NODE, NodePolicy.DEFAULTS);
    DockerNetwork net = Fixtures.network(NETWORK, "198.18.253.0/24");
    net.getSpec().nodeSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("kubernetes.io/hostname", NODE)).build();
    kube.resource(net).create();
    await()
        .atMost(AttachmentTestSupport.CONVERGE)
        .until(
            () -> {
              DockerNetwork dn = kube.resources(DockerNetwork.class).withName(NETWORK).get();
              return dn != null && dn.getStatus() != null && "1/1".equals(dn.getStatus().ready);
            });
  }

  @AfterAll
  static void stop() {
    try {
      if (kube != null) {
        Fixtures.deleteAll(kube);
        bed.cleanDocker();
      }
    } finally {
      if (operators != null) {
        operators.close();
      }
    }
  }

  @Test
  void aContainerThatDidNotOptInIsLeftAloneAndOneThatDidIsAttached() {
    AttachmentTestSupport.run(docker, "policy-legacy");
    AttachmentTestSupport.run(docker, "policy-app", c -> c.withLabels(OPTED_IN));
    kube.resource(attachment("policy-legacy", "policy-legacy", NETWORK, null)).create();
    kube.resource(attachment("policy-app", "policy-app", NETWORK, "198.18.253.10")).create();

    AttachmentReport refused =
        awaitReport(kube, "policy-legacy", NODE, Phase.Error, "ContainerNotOptedIn");
    awaitReport(kube, "policy-app", NODE, Phase.Ready, "Attached");

    assertThat(refused.message)
        .contains("policy-legacy does not carry the Docker label io.dockernet.attachable=true");
    assertThat(endpoint(docker, "policy-legacy", NETWORK)).isEmpty();
    assertThat(
            endpoint(docker, "policy-app", NETWORK).orElseThrow().getIpamConfig().getIpv4Address())
        .isEqualTo("198.18.253.10");
  }

  @Test
  void noWayOutThroughTheDefaultBridge() {
    AttachmentTestSupport.run(
        docker,
        "policy-internal",
        c -> c.withLabels(OPTED_IN).getHostConfig().withNetworkMode(NETWORK));
    kube.resource(attachment("policy-egress", "policy-internal", "bridge", null)).create();

    AttachmentReport refused =
        awaitReport(kube, "policy-egress", NODE, Phase.Error, "DefaultBridgeNotAllowed");

    assertThat(refused.message).contains("Docker's default bridge");
    assertThat(endpoint(docker, "policy-internal", "bridge")).isEmpty();
  }

  @Test
  void anIdPrefixOrAnotherContainersNameAsAliasIsRefused() {
    String id = AttachmentTestSupport.run(docker, "policy-prefixed", c -> c.withLabels(OPTED_IN));
    AttachmentTestSupport.run(docker, "policy-db", c -> c.withLabels(OPTED_IN));
    AttachmentTestSupport.run(docker, "policy-impostor", c -> c.withLabels(OPTED_IN));
    kube.resource(attachment("policy-db", "policy-db", NETWORK, null)).create();
    awaitReport(kube, "policy-db", NODE, Phase.Ready, "Attached");
    kube.resource(attachment("policy-prefixed", id.substring(0, 12), NETWORK, null)).create();
    ContainerAttachment impostor =
        attachment("policy-impostor", "policy-impostor", NETWORK, null, "policy-db");
    kube.resource(impostor).create();

    AttachmentReport prefixed =
        awaitReport(kube, "policy-prefixed", NODE, Phase.Error, "ContainerNameNotExact");
    AttachmentReport alias = awaitReport(kube, "policy-impostor", NODE, Phase.Error, "AliasTaken");

    assertThat(prefixed.message).contains("only by an ID prefix");
    assertThat(alias.message)
        .contains("alias policy-db is the name of another container on network policy-net");
    assertThat(endpoint(docker, "policy-prefixed", NETWORK)).isEmpty();
    assertThat(endpoint(docker, "policy-impostor", NETWORK)).isEmpty();
    assertThat(endpoint(docker, "policy-db", NETWORK)).isPresent();
  }
}
