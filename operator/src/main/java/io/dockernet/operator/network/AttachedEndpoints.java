package io.dockernet.operator.network;

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
}
