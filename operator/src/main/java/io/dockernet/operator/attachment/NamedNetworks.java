package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.node.QuietFirstListEventSource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The DockerNetworks that attachments name, as their secondary resource: an attachment needs its
 * network's Docker name and IPAM, and waits for the network to appear or change.
 */
final class NamedNetworks {

  private NamedNetworks() {}

  static InformerEventSource<DockerNetwork, ContainerAttachment> eventSource(
      EventSourceContext<ContainerAttachment> context) {
    return new QuietFirstListEventSource<>(
        InformerEventSourceConfiguration.from(DockerNetwork.class, ContainerAttachment.class)
            .withName("named-networks")
            .withSecondaryToPrimaryMapper(
                dn ->
                    context
                        .getPrimaryCache()
                        .list(a -> dn.getMetadata().getName().equals(networkOf(a)))
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
