package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.Overview;
import io.dockernet.operator.docker.Overview.ListedContainer;
import io.dockernet.operator.node.LabelSelectors;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which ContainerAttachments a Docker event concerns, and which ones take part on this node as an
 * overview of the daemon shows it. Works on the attachments it is given, so it is tested without an
 * API server or a daemon.
 */
final class AttachmentEvents {

  /** Attachment name → ID of the container it last saw, to map container events by ID. */
  private final Map<String, String> containerIds = new ConcurrentHashMap<>();

  private final Function<ContainerAttachment, String> dockerNetworkName;
  private final Predicate<String> failing;

  /**
   * @param dockerNetworkName the Docker network an attachment's network names (its DockerNetwork's
   *     Docker name, or the name itself)
   * @param failing whether the attachment of this name is in backoff after an error
   */
  AttachmentEvents(
      Function<ContainerAttachment, String> dockerNetworkName, Predicate<String> failing) {
    this.dockerNetworkName = dockerNetworkName;
    this.failing = failing;
  }

  /** The attachment last found this container (a later event may name it by ID only). */
  void saw(String attachment, String containerId) {
    if (containerId != null) {
      containerIds.put(attachment, containerId);
    }
  }

  void forget(String attachment) {
    containerIds.remove(attachment);
  }

  /**
   * Container events concern the attachments naming that container (by name, old name or ID);
   * connect/disconnect concern the container's attachments, and a disconnect those on that network
   * in error (an address may have been freed; a connect frees nothing, so it leaves them to their
   * backoff); a network created or destroyed concerns every attachment on it.
   */
  Set<ResourceID> affected(DockerEvent event, Stream<ContainerAttachment> attachments) {
    Map<String, String> attributes = event.attributes() == null ? Map.of() : event.attributes();
    Set<ResourceID> ids = new HashSet<>();
    if ("container".equals(event.type())) {
      Set<String> names = new HashSet<>();
      names.add(strip(attributes.getOrDefault("name", "")));
      names.add(strip(attributes.getOrDefault("oldName", "")));
      names.remove("");
      attachments
          .filter(a -> concernsContainer(a, names, event.actorId()))
          .forEach(a -> ids.add(ResourceID.fromResource(a)));
    } else if ("network".equals(event.type())) {
      String network = attributes.get("name");
      String container = attributes.get("container");
      boolean everyone = !"connect".equals(event.action()) && !"disconnect".equals(event.action());
      boolean freed = "disconnect".equals(event.action());
      attachments
          .filter(
              a ->
                  (container != null && container.equals(containerIds.get(name(a))))
                      // the network's name is looked up last: a connect (one per attachment in
                      // a bulk apply) wakes no one by its network
                      || ((everyone || (freed && failing.test(name(a))))
                          && network != null
                          && network.equals(dockerNetworkName.apply(a))))
          .forEach(a -> ids.add(ResourceID.fromResource(a)));
    }
    return ids;
  }

  /**
   * Whether an attachment takes part on a node with these labels, as far as the overview shows:
   * with a nodeSelector, when it selects the node; without one, once its container is listed.
   */
  static Predicate<ContainerAttachment> takesPart(Overview overview, Map<String, String> labels) {
    Set<String> names =
        overview.containers().values().stream()
            .map(ListedContainer::name)
            .collect(Collectors.toSet());
    return a -> {
      ContainerAttachmentSpec spec = DesiredEndpoint.specOf(a);
      return selects(spec.nodeSelector)
          ? LabelSelectors.matches(spec.nodeSelector, labels)
          : listed(spec.container, names, overview);
    };
  }

  /** A selector that selects something less than every node. */
  static boolean selects(LabelSelector selector) {
    return selector != null
        && ((selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty())
            || (selector.getMatchExpressions() != null
                && !selector.getMatchExpressions().isEmpty()));
  }

  private static boolean listed(String wanted, Set<String> names, Overview overview) {
    if (wanted == null) {
      return false;
    }
    String plain = strip(wanted);
    return names.contains(plain)
        || overview.containers().keySet().stream().anyMatch(id -> id.startsWith(plain));
  }

  private boolean concernsContainer(ContainerAttachment a, Set<String> names, String id) {
    String wanted = DesiredEndpoint.specOf(a).container;
    if (wanted == null) {
      return false;
    }
    String plain = strip(wanted);
    return names.contains(plain)
        || (id != null && (id.startsWith(plain) || id.equals(containerIds.get(name(a)))));
  }

  private static String name(ContainerAttachment a) {
    return a.getMetadata().getName();
  }

  /** Docker reports container names with a leading slash; users write them without. */
  static String strip(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }
}
