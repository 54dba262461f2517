package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.Overview;
import io.dockernet.operator.docker.Overview.ListedContainer;
import io.dockernet.operator.node.PassReport;
import java.util.List;

/** The parts of a node's DockerNetwork report built from what the daemon has. Pure: no I/O. */
public final class NetworkReports {

  private NetworkReports() {}

  /** Identity and what the daemon has for the network ({@code actual} may be null). */
  static NetworkReport base(DockerNetwork dn, NetworkInfo actual) {
    NetworkReport s = new NetworkReport();
    s.dockerNetwork = dn.getMetadata().getName();
    s.networkName = dn.dockerName();
    s.deletionPolicy = DesiredNetwork.specOf(dn).deletionPolicy;
    s.observedGeneration = dn.getMetadata().getGeneration();
    if (actual != null) {
      s.networkId = actual.id();
      s.driver = actual.driver();
      List<IpamPool> pools =
          actual.ipam() == null || actual.ipam().pools() == null
              ? List.of()
              : actual.ipam().pools();
      s.subnets = pools.stream().map(IpamPool::subnet).toList();
      s.gateways =
          pools.stream().map(IpamPool::gateway).filter(g -> g != null && !g.isEmpty()).toList();
      s.bridge = actual.bridge();
      s.containers =
          actual.endpoints().stream().map(NetworkEndpoint::containerName).sorted().toList();
    }
    return s;
  }

  static PassReport<NetworkReport> ready(DockerNetwork dn, NetworkInfo actual, boolean adopted) {
    PassReport<NetworkReport> out =
        PassReport.of(
            base(dn, actual),
            adopted ? NetworkReason.Adopted : NetworkReason.NetworkReady,
            "Docker network " + actual.name() + " matches the spec");
    out.report.adopted = adopted ? true : null;
    return out;
  }

  /**
   * Whether a Ready report still describes the daemon: its network is there under its name, with
   * the ID it reported (a network removed, or removed and created again by hand, is not).
   */
  static boolean stillTrue(NetworkReport report, Overview overview) {
    return report.networkId == null
        || report.networkId.equals(overview.networkIds().get(report.networkName));
  }

  /**
   * Whether an overview shows the daemon exactly as a report says, as far as a pass would look: the
   * network under the object's Docker name with the reported ID (its configuration cannot change
   * without a new ID), no replacement journaled, and exactly the reported containers with an
   * endpoint on it (a stopped container's configuration has none, as in network inspect).
   */
  static boolean shownExactly(NetworkReport report, String dockerName, Overview overview) {
    if (report.journal != null
        || report.networkId == null
        || !dockerName.equals(report.networkName)
        || !report.networkId.equals(overview.networkIds().get(dockerName))) {
      return false;
    }
    List<String> onIt =
        overview.containers().values().stream()
            .filter(
                c ->
                    c.networks().values().stream()
                        .anyMatch(
                            e -> report.networkId.equals(e.networkId()) && e.endpointId() != null))
            .map(ListedContainer::name)
            .sorted()
            .toList();
    return onIt.equals(report.containers == null ? List.of() : report.containers);
  }
}
