package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import org.junit.jupiter.api.Test;

/** Which Node updates wake the reconcilers: label changes only, never a kubelet's status write. */
class NodeEventSourcesTest {

  private static final Node WORKER =
      new NodeBuilder()
          .withNewMetadata()
          .withName("node-a")
          .addToLabels("role", "worker")
          .withResourceVersion("10")
          .endMetadata()
          .build();

  @Test
  void aKubeletStatusWriteWakesNothing() {
    Node heartbeat =
        new NodeBuilder(WORKER)
            .editMetadata()
            .withResourceVersion("11")
            .endMetadata()
            .withNewStatus()
            .addToConditions(
                new NodeConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .withLastHeartbeatTime("2026-12-03T02:00:10Z")
                    .build())
            .endStatus()
            .build();
    assertThat(NodeEventSources.labelsChanged(heartbeat, WORKER)).isFalse();
  }

  @Test
  void anAnnotationOrTaintChangeWakesNothing() {
    Node annotated =
        new NodeBuilder(WORKER)
            .editMetadata()
            .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
            .endMetadata()
            .withNewSpec()
            .addNewTaint()
            .withKey("dedicated")
            .withEffect("NoSchedule")
            .endTaint()
            .endSpec()
            .build();
    assertThat(NodeEventSources.labelsChanged(annotated, WORKER)).isFalse();
  }

  @Test
  void aLabelAddedChangedOrRemovedWakesTheReconcilers() {
    Node added =
        new NodeBuilder(WORKER).editMetadata().addToLabels("zone", "b").endMetadata().build();
    Node changed =
        new NodeBuilder(WORKER).editMetadata().addToLabels("role", "edge").endMetadata().build();
    Node removed = new NodeBuilder(WORKER).editMetadata().withLabels(null).endMetadata().build();
    assertThat(NodeEventSources.labelsChanged(added, WORKER)).isTrue();
    assertThat(NodeEventSources.labelsChanged(changed, WORKER)).isTrue();
    assertThat(NodeEventSources.labelsChanged(removed, WORKER)).isTrue();
  }
}
