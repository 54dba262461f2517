package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.node.QuietFirstListEventSource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The DockerNetworks that attachments name, as their secondary resource: an attachment needs its
 * network's Docker name and IPAM, and waits for the network to appear or change.
 */
final class NamedNetworks {

  /**
   * The index of the attachments by the network they name: a DockerNetwork's event, and each pass's
   * look for attachments competing on its network, find them without going through all of them (a
   * bulk apply of a thousand attachments went through a million).
   */
  private static final String BY_NETWORK = "network";

  private NamedNetworks() {}

  /** The attachments naming {@code network}; every one for a null network. */
  static Stream<ContainerAttachment> attachmentsOn(
      IndexedResourceCache<ContainerAttachment> attachments, String network) {
    return network == null ? attachments.list() : attachments.byIndex(BY_NETWORK, network).stream();
  }

  static InformerEventSource<DockerNetwork, ContainerAttachment> eventSource(
      EventSourceContext<ContainerAttachment> context) {
    context
        .getPrimaryCache()
        .addIndexer(BY_NETWORK, a -> networkOf(a) == null ? List.of() : List.of(networkOf(a)));
    return new QuietFirstListEventSource<>(
        InformerEventSourceConfiguration.from(DockerNetwork.class, ContainerAttachment.class)
            .withName("named-networks")
            .withSecondaryToPrimaryMapper(
                dn ->
                    attachmentsOn(context.getPrimaryCache(), dn.getMetadata().getName())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (ContainerAttachment a) ->
                    networkOf(a) == null ? Set.of() : Set.of(new ResourceID(networkOf(a)))),
        context);
  }

  private static String networkOf(ContainerAttachment a) {
    return DesiredEndpoint.specOf(a).network;
  }
}
