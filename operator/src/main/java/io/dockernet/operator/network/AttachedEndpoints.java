package io.dockernet.operator.network;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The endpoints ContainerAttachments made on this node, as their reports say: a network replacement
 * puts them back only while their attachment still wants them, and deleting a network disconnects
 * them while any other endpoint blocks the deletion.
 */
public interface AttachedEndpoints {

  /** No attachment made any endpoint. */
  AttachedEndpoints NONE =
      new AttachedEndpoints() {
        @Override
        public String attachmentOf(String networkId, String containerId) {
          return null;
        }

        @Override
        public boolean live(String attachment) {
          return false;
        }
      };

  /** The ContainerAttachment that made the container's endpoint on the network, or null. */
  String attachmentOf(String networkId, String containerId);

  /** Whether the ContainerAttachment exists and is not being deleted. */
  boolean live(String attachment);

  /** The endpoints a node's ContainerAttachments made, from their reports on that node. */
  static AttachedEndpoints madeOn(KubernetesClient client, String nodeName) {
    Map<String, String> made = new HashMap<>();
    client
        .resources(ContainerAttachmentNodeState.class)
        .withLabel(Keys.NODE_LABEL, nodeName)
        .list()
        .getItems()
        .forEach(
            s -> {
              AttachmentReport st = s.getStatus();
              if (st != null
                  && st.networkId != null
                  && st.containerId != null
                  && !Boolean.TRUE.equals(st.adopted)) {
                made.put(st.networkId + "/" + st.containerId, st.containerAttachment);
              }
            });
    Set<String> live = new HashSet<>();
    client
        .resources(ContainerAttachment.class)
        .list()
        .getItems()
        .forEach(
            a -> {
              if (!a.isMarkedForDeletion()) {
                live.add(a.getMetadata().getName());
              }
            });
    return new AttachedEndpoints() {
      @Override
      public String attachmentOf(String networkId, String containerId) {
        return made.get(networkId + "/" + containerId);
      }

      @Override
      public boolean live(String attachment) {
        return live.contains(attachment);
      }
    };
  }
}
