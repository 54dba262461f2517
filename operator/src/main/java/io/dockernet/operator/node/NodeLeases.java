package io.dockernet.operator.node;

import io.dockernet.operator.Hashes;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Names of the per-node Leases agents hold while they act for their node. */
public final class NodeLeases {

  private static final String PREFIX = "dockernet-agent-";
  private static final Logger LOG = LoggerFactory.getLogger(NodeLeases.class);

  private NodeLeases() {}

  /** The Lease of a node: readable, hashed only when the node's name is too long for one. */
  public static String name(String nodeName) {
    String name = PREFIX + nodeName;
    return name.length() <= 253 ? name : PREFIX + Hashes.sha256Hex(nodeName, 32);
  }

  /**
   * Gives up the node's Lease if {@code identity} holds it, so that the next agent of the node (a
   * new pod of a rolling update) acts at once instead of waiting for it to expire. Best effort: a
   * Lease that cannot be released simply expires.
   */
  public static void release(
      KubernetesClient client, String namespace, String nodeName, String identity) {
    try {
      var lease = client.leases().inNamespace(namespace).withName(name(nodeName));
      var current = lease.get();
      if (current == null
          || current.getSpec() == null
          || !identity.equals(current.getSpec().getHolderIdentity())) {
        return;
      }
      current.getSpec().setHolderIdentity(null);
      current.getSpec().setLeaseDurationSeconds(1);
      client.resource(current).update();
      LOG.info("Released node {}'s Lease", nodeName);
    } catch (RuntimeException e) {
      LOG.debug("Could not release node {}'s Lease; it expires by itself", nodeName, e);
    }
  }
}
