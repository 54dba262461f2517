package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.storedAttachment;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Of attachments competing for a container or an address on one network, the older one wins. */
class ClaimsTest {

  @Test
  void olderAttachmentsWantingTheSameAddressOrContainerClaimFirstOldestFirst() {
    ContainerAttachment mine = created(storedAttachment("mine", "web", "front", "198.18.0.10"), 30);
    ContainerAttachment sameAddress =
        created(storedAttachment("same-address", "db", "front", "198.18.0.10"), 20);
    ContainerAttachment sameContainer =
        created(storedAttachment("same-container", "/web", "front", "198.18.0.11"), 10);
    ContainerAttachment otherNetwork =
        created(storedAttachment("other-network", "web", "back", "198.18.0.10"), 5);
    ContainerAttachment younger = created(storedAttachment("younger", "web", "front", null), 40);
    ContainerAttachment unrelated =
        created(storedAttachment("unrelated", "cache", "front", null), 1);

    var claims =
        Claims.earlierThan(
            mine, Stream.of(mine, sameAddress, sameContainer, otherNetwork, younger, unrelated));

    assertThat(claims)
        .extracting(NodeAttachmentSync.Claim::attachment)
        .containsExactly("same-container", "same-address");
  }

  @Test
  void anAttachmentBeingDeletedClaimsNothing() {
    ContainerAttachment mine = created(storedAttachment("mine", "web", "front", "198.18.0.10"), 30);
    ContainerAttachment leaving =
        created(storedAttachment("leaving", "db", "front", "198.18.0.10"), 1);
    leaving.getMetadata().setDeletionTimestamp("2026-01-01T01:00:00Z");

    assertThat(Claims.earlierThan(mine, Stream.of(mine, leaving))).isEmpty();
  }

  @Test
  void createdInTheSameSecondTheNameDecides() {
    ContainerAttachment a = created(storedAttachment("a", "web", "front", "198.18.0.10"), 10);
    ContainerAttachment b = created(storedAttachment("b", "db", "front", "198.18.0.10"), 10);

    assertThat(Claims.earlierThan(b, Stream.of(a, b)))
        .extracting(NodeAttachmentSync.Claim::attachment)
        .containsExactly("a");
    assertThat(Claims.earlierThan(a, Stream.of(a, b))).isEmpty();
  }

  private static ContainerAttachment created(ContainerAttachment ca, int second) {
    ca.getMetadata().setCreationTimestamp("2026-01-01T00:00:%02dZ".formatted(second));
    return ca;
  }
}
