package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.storedAttachment;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.Overview;
import io.dockernet.operator.docker.Overview.ListedContainer;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which attachments a Docker event wakes, and which take part on a node by the overview. */
class AttachmentEventsTest {

  private static final String WEB_ID = "a1b2c3d4e5f6" + "0".repeat(52);

  private final Set<String> failing = new HashSet<>();
  private final AttachmentEvents events =
      new AttachmentEvents(a -> "dn-" + DesiredEndpoint.specOf(a).network, failing::contains);
  private final List<ContainerAttachment> attachments =
      List.of(
          storedAttachment("web-front", "web", "front", "198.18.0.10"),
          storedAttachment("db-front", "db", "front", "198.18.0.11"),
          storedAttachment("db-back", "db", "back", null));

  @Test
  void aContainerEventWakesTheAttachmentsNamingItByNameOldNameOrId() {
    assertThat(woken(event("container", "start", WEB_ID, Map.of("name", "web"))))
        .containsExactly("web-front");
    assertThat(woken(event("container", "rename", "f".repeat(64), Map.of("oldName", "/db"))))
        .containsExactlyInAnyOrder("db-front", "db-back");

    events.saw("web-front", WEB_ID);
    assertThat(woken(event("container", "destroy", WEB_ID, Map.of())))
        .as("by the ID it last saw, when the event carries no name")
        .containsExactly("web-front");
  }

  @Test
  void aConnectWakesTheContainersAttachmentsAndLeavesFailingOnesToTheirBackoff() {
    events.saw("web-front", WEB_ID);
    failing.add("db-front");
    DockerEvent connect =
        event("network", "connect", "n1", Map.of("name", "dn-front", "container", WEB_ID));
    assertThat(woken(connect)).containsExactly("web-front");

    DockerEvent disconnect =
        event("network", "disconnect", "n1", Map.of("name", "dn-front", "container", WEB_ID));
    assertThat(woken(disconnect))
        .as("a disconnect may free the address a failing attachment waits for")
        .containsExactlyInAnyOrder("web-front", "db-front");
  }

  @Test
  void aNetworkCreatedOrDestroyedWakesEveryAttachmentOnIt() {
    assertThat(woken(event("network", "destroy", "n1", Map.of("name", "dn-front"))))
        .containsExactlyInAnyOrder("web-front", "db-front");
    assertThat(woken(event("network", "create", "n2", Map.of("name", "dn-back"))))
        .containsExactly("db-back");
  }

  @Test
  void withoutASelectorAnAttachmentTakesPartWhereItsContainerIsListed() {
    Overview overview =
        new Overview(Map.of(), Map.of(WEB_ID, new ListedContainer(WEB_ID, "web", Map.of())));
    var here = AttachmentEvents.takesPart(overview, Map.of("role", "edge"));

    assertThat(here.test(attachments.get(0))).isTrue();
    assertThat(here.test(attachments.get(1))).as("db is not on this node").isFalse();
    assertThat(here.test(storedAttachment("by-id", WEB_ID.substring(0, 12), "front", null)))
        .isTrue();

    ContainerAttachment selected = storedAttachment("selected", "db", "front", null);
    selected.getSpec().nodeSelector =
        new LabelSelectorBuilder().addToMatchLabels("role", "edge").build();
    assertThat(here.test(selected)).as("a selector decides, container or not").isTrue();
  }

  private Set<String> woken(DockerEvent event) {
    return events.affected(event, attachments.stream()).stream()
        .map(ResourceID::getName)
        .collect(Collectors.toSet());
  }

  private static DockerEvent event(
      String type, String action, String actor, Map<String, String> attributes) {
    return new DockerEvent(type, action, actor, attributes);
  }
}
