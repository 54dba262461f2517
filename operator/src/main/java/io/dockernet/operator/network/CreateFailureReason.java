package io.dockernet.operator.network;

import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.node.NodeReason;
import io.dockernet.operator.node.ReportReason;
import java.util.Locale;

/** Docker's refusals turned into the one-word reasons users see in status. */
final class CreateFailureReason {

  private CreateFailureReason() {}

  /** A CamelCase reason for a refused network create. */
  static ReportReason of(DockerException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("pool overlaps")) {
      return NetworkReason.PoolOverlap;
    }
    if (m.contains("same bridge name") || m.contains("bridge name")) {
      return NetworkReason.BridgeNameTaken;
    }
    if (m.contains("plugin") && m.contains("not found") || m.contains("could not find plugin")) {
      return NetworkReason.DriverUnsupported;
    }
    if (e instanceof DockerUnavailableException) {
      return NodeReason.DockerUnavailable;
    }
    return NetworkReason.CreateRejected;
  }
}
