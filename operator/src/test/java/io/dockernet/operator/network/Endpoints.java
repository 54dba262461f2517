package io.dockernet.operator.network;

import java.util.Map;
import java.util.Set;

/** Test fixtures of {@link AttachedEndpoints}. */
final class Endpoints {

  private Endpoints() {}

  /**
   * Endpoints made by attachments, on whatever network.
   *
   * @param madeBy container ID → the ContainerAttachment that made its endpoint
   * @param live the attachments that still exist
   */
  static AttachedEndpoints attached(Map<String, String> madeBy, Set<String> live) {
    return new AttachedEndpoints() {
      @Override
      public String attachmentOf(String networkId, String containerId) {
        return madeBy.get(containerId);
      }

      @Override
      public boolean live(String attachment) {
        return live.contains(attachment);
      }
    };
  }
}
