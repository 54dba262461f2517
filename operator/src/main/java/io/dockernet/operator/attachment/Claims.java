package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Who came first when attachments compete: of two attachments that want the same container or the
 * same address on one network, the older one (by creation time, then name) has the claim, so every
 * node settles the contest the same way whatever order it reconciles in.
 */
final class Claims {

  private static final Comparator<ContainerAttachment> AGE =
      Comparator.comparing(Claims::createdAt).thenComparing(a -> a.getMetadata().getName());

  private Claims() {}

  /**
   * The attachments created before {@code ca}, oldest first, that want the same container or an
   * address it wants, on its network; those being deleted claim nothing.
   */
  static List<NodeAttachmentSync.Claim> earlierThan(
      ContainerAttachment ca, Stream<ContainerAttachment> all) {
    ContainerAttachmentSpec mine = DesiredEndpoint.specOf(ca);
    EndpointRequest desired = DesiredEndpoint.from(ca);
    return all.filter(
            a ->
                !a.getMetadata().getName().equals(ca.getMetadata().getName())
                    && !a.isMarkedForDeletion()
                    && Objects.equals(DesiredEndpoint.specOf(a).network, mine.network)
                    && AGE.compare(a, ca) < 0
                    && (sameContainer(DesiredEndpoint.specOf(a).container, mine.container)
                        || sharesAddress(DesiredEndpoint.from(a), desired)))
        .sorted(AGE)
        .map(
            a -> {
              ContainerAttachmentSpec spec = DesiredEndpoint.specOf(a);
              return new NodeAttachmentSync.Claim(
                  a.getMetadata().getName(), spec.container, spec.ipv4Address, spec.ipv6Address);
            })
        .toList();
  }

  private static boolean sameContainer(String a, String b) {
    return a != null && b != null && AttachmentEvents.strip(a).equals(AttachmentEvents.strip(b));
  }

  private static boolean sharesAddress(EndpointRequest a, EndpointRequest b) {
    return (a.ipv4Address() != null && a.ipv4Address().equals(b.ipv4Address()))
        || (a.ipv6Address() != null && a.ipv6Address().equals(b.ipv6Address()));
  }

  private static Instant createdAt(ContainerAttachment a) {
    String ts = a.getMetadata().getCreationTimestamp();
    return ts == null ? Instant.MAX : Instant.parse(ts);
  }
}
