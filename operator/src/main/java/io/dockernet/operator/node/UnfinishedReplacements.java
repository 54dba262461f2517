package io.dockernet.operator.node;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Network replacements an earlier agent process of this node left unfinished (their journals are in
 * the node's reports): until the network agent resumes each, attachments keep off those networks.
 */
public final class UnfinishedReplacements {

  private UnfinishedReplacements() {}

  /** Marks every network with a journal in this node's reports as being replaced. */
  public static void mark(KubernetesClient client, String nodeName, NetworkGuard guard) {
    client
        .resources(DockerNetworkNodeState.class)
        .withLabel(Keys.NODE_LABEL, nodeName)
        .list()
        .getItems()
        .forEach(
            s -> {
              if (s.getStatus() != null
                  && s.getStatus().journal != null
                  && s.getStatus().networkName != null) {
                guard.unfinished(s.getStatus().networkName, true);
              }
            });
  }
}
