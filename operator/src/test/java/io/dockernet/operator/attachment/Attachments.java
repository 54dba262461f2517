package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test fixtures: ContainerAttachment objects as a user would write them. */
final class Attachments {

  private Attachments() {}

  /** {@code docker network connect --ip IP --alias CONTAINER NETWORK CONTAINER}. */
  static ContainerAttachment attachment(
      String name, String container, String network, String ipv4) {
    ContainerAttachment ca = new ContainerAttachment();
    ca.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withUid(UUID.randomUUID().toString())
            .withGeneration(1L)
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .build());
    ContainerAttachmentSpec spec = new ContainerAttachmentSpec();
    spec.container = container;
    spec.network = network;
    spec.ipv4Address = ipv4;
    spec.aliases = new ArrayList<>(List.of(container));
    ca.setSpec(spec);
    return ca;
  }
}
