package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.storedAttachment;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentStatus;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.SelectedNodes;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerAttachmentSummaryReconcilerTest {

  private static final SelectedNodes NO_MISSING = new SelectedNodes(Set.of(), List.of());
  private static final Set<String> LIVE = Set.of("node-a", "node-b");

  private final ContainerAttachment ca =
      storedAttachment("test2", "test2", "mynetwork", "172.18.0.10");

  @Test
  void readyWhenEveryReportingNodeIsReady() {
    ContainerAttachmentStatus s =
        ContainerAttachmentSummaryReconciler.summarise(
            ca,
            List.of(
                report("node-b", Phase.Ready, "Attached"),
                report("node-a", Phase.Ready, "Attached")),
            NO_MISSING,
            LIVE);
    assertThat(s.ready).isEqualTo("2/2");
    assertThat(s.nodes).extracting(n -> n.nodeName).containsExactly("node-a", "node-b");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Warning").getStatus()).isEqualTo("False");
  }

  @Test
  void aConflictDegradesAndWarningsSurface() {
    AttachmentReport warned = report("node-a", Phase.Ready, "Attached");
    warned.warnings = List.of("StaticAddressInIpRange: 172.18.0.130 is inside ...");
    ContainerAttachmentStatus s =
        ContainerAttachmentSummaryReconciler.summarise(
            ca,
            List.of(warned, report("node-b", Phase.Conflict, "AddressInUse")),
            NO_MISSING,
            LIVE);
    assertThat(s.ready).isEqualTo("1/2");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Ready").getMessage()).contains("node-b: Conflict AddressInUse");
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Degraded").getReason()).isEqualTo("AddressInUse");
    assertThat(condition(s, "Warning").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Warning").getReason()).isEqualTo("StaticAddressInIpRange");
  }

  @Test
  void noReportsIsNotReadyAndSaysWhy() {
    ContainerAttachmentStatus s =
        ContainerAttachmentSummaryReconciler.summarise(ca, List.of(), NO_MISSING, LIVE);
    assertThat(s.ready).isEqualTo("0/0");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Ready").getReason()).isEqualTo("NoReports");
    assertThat(condition(s, "Ready").getMessage()).contains("test2");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("True");
  }

  @Test
  void aReportOfANodeWhoseAgentStoppedIsShownButNotCounted() {
    ContainerAttachmentStatus s =
        ContainerAttachmentSummaryReconciler.summarise(
            ca,
            List.of(
                report("node-a", Phase.Ready, "Attached"),
                report("node-c", Phase.Conflict, "AddressInUse")),
            new SelectedNodes(Set.of(), List.of("node-c")),
            LIVE);
    assertThat(s.ready).isEqualTo("1/1");
    assertThat(s.nodes).extracting(n -> n.nodeName).containsExactly("node-a", "node-c");
    assertThat(s.nodesWithoutAgent).containsExactly("node-c");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Warning").getReason()).isEqualTo("NodesWithoutAgent");
  }

  private static AttachmentReport report(String node, Phase phase, String reason) {
    AttachmentReport r = new AttachmentReport();
    r.nodeName = node;
    r.phase = phase;
    r.reason = reason;
    r.message = reason;
    r.observedGeneration = 1L;
    return r;
  }

  private static Condition condition(ContainerAttachmentStatus s, String type) {
    return s.conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }
}
