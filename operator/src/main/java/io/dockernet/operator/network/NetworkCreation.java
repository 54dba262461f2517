package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;
import static io.dockernet.operator.network.NetworkReports.ready;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.node.Refusal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates a network the node lacks, so that a refusal reads as its cause: a bridge name already
 * taken, an ordinary rejection, or a network the Engine itself lost track of.
 */
final class NetworkCreation {

  private static final Pattern CONFLICTS_WITH =
      Pattern.compile("conflicts with network ([0-9a-f]{64})");

  private final DockerGateway docker;

  NetworkCreation(DockerGateway docker) {
    this.docker = docker;
  }

  /**
   * Creates the network; a drift repair (it had been created before) is a warning.
   *
   * @param previous this node's last report, or null
   */
  PassReport<NetworkReport> create(
      DockerNetwork dn, NetworkRequest desired, NetworkReport previous) {
    if (desired.options().containsKey("com.docker.network.bridge.name")) {
      Optional<Refusal> refusal = Preflight.check(desired, docker.listNetworks(Map.of()), null);
      if (refusal.isPresent()) {
        return refusal.get().report(base(dn, null));
      }
    }
    try {
      docker.createNetwork(desired);
    } catch (DockerConflictException | DockerRejectedException e) {
      return refused(dn, e);
    }
    NetworkInfo created = docker.findNetwork(desired.name()).orElseThrow();
    PassReport<NetworkReport> out = ready(dn, created, false);
    if (previous != null && previous.networkId != null) {
      out.warning(
          AgentMetrics.DRIFT_REPAIRED,
          "Docker network "
              + desired.name()
              + " had been removed outside the operator on node "
              + previous.nodeName
              + "; created it again");
    } else {
      out.normal(
          "Created", "created Docker network " + desired.name() + " (" + created.shortId() + ")");
    }
    return out;
  }

  private PassReport<NetworkReport> refused(DockerNetwork dn, DockerException e) {
    Matcher m = CONFLICTS_WITH.matcher(String.valueOf(e.getMessage()));
    if (m.find() && docker.findNetwork(m.group(1)).isEmpty()) {
      // Not the admin's network, not ours, but one the Engine lost track of.
      return PassReport.of(
          base(dn, null),
          NetworkReason.StaleEngineNetwork,
          "Docker refused: "
              + e.getMessage()
              + "; network "
              + m.group(1)
              + " is not listed by the Engine: a daemon stopped while creating a network can"
              + " keep it in its bridge driver (moby/moby#27975), holding that subnet until it is"
              + " removed from the Engine's network store (see README, troubleshooting)");
    }
    return PassReport.of(
        base(dn, null), CreateFailureReason.of(e), "Docker refused: " + e.getMessage());
  }
}
