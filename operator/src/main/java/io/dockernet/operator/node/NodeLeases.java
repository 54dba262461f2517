package io.dockernet.operator.node;

import io.dockernet.operator.Hashes;

/** Names of the per-node Leases agents hold while they act for their node. */
public final class NodeLeases {

  private static final String PREFIX = "dockernet-agent-";

  private NodeLeases() {}

  /** The Lease of a node: readable, hashed only when the node's name is too long for one. */
  public static String name(String nodeName) {
    String name = PREFIX + nodeName;
    return name.length() <= 253 ? name : PREFIX + Hashes.sha256Hex(nodeName, 32);
  }
}
