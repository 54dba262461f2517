package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.AdoptionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkDriver;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.node.HostNetwork;
import io.dockernet.operator.node.HostNetwork.Route;
import io.dockernet.operator.testbed.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A user who may create DockerNetworks does not thereby become network admin of the node: what the
 * cluster's policy does not allow is refused before Docker is asked, with a reason naming what it
 * protects, and nothing on the node changes.
 */
class NodeGuardTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final Set<String> interfaces = new HashSet<>(Set.of("lo", "eth0", "cni0"));
  private final List<Route> routes =
      new ArrayList<>(List.of(new Route("10.0.0.0/24", "eth0"), new Route("10.42.0.0/24", "cni0")));

  private NodeNetworkSync sync(NodePolicy policy) {
    return new NodeNetworkSync(
        docker,
        new NodeGuard(policy, () -> Optional.of(new HostNetwork(Set.copyOf(interfaces), routes))));
  }

  private final NodeNetworkSync defaults = sync(NodePolicy.DEFAULTS);

  @Test
  void aMacvlanOnAParentTheClusterDidNotAllowIsRefusedUntouched() {
    DockerNetwork dn = macvlan("lan", "eth0");

    var out = defaults.ensure(dn, null, uid -> false);

    assertRefused(out.report, "ParentInterfaceNotAllowed", "macvlan parent eth0", "LAN");
    assertThat(out.report.message).contains("none are");
  }

  @Test
  void anAllowedParentAndItsVlanSubInterfacesAreUsed() {
    NodeNetworkSync allowing = sync(new NodePolicy(Set.of("eth1"), List.of(), false, null));

    assertThat(allowing.ensure(macvlan("lan", "eth1"), null, uid -> false).report.phase)
        .isEqualTo(Phase.Ready);
    assertThat(allowing.ensure(macvlan("vlan10", "eth1.10"), null, uid -> false).report.phase)
        .isEqualTo(Phase.Ready);
    var other = allowing.ensure(macvlan("uplink", "eth0"), null, uid -> false);
    assertThat(other.report.reason).isEqualTo("ParentInterfaceNotAllowed");
    assertThat(other.report.message).contains("allowed: eth1");
  }

  @Test
  void aBridgeNameThatIsANodeInterfaceNoDockerNetworkOwnsIsRefused() {
    DockerNetwork dn = Fixtures.withBridge(storedNetwork("takeover", "198.18.10.0/24"), "cni0");

    var out = defaults.ensure(dn, null, uid -> false);

    assertRefused(out.report, "HostInterfaceProtected", "bridge name cni0", "take it over");
  }

  @Test
  void theNetworksOwnBridgeAndRouteDoNotMakeItRefuseItself() {
    DockerNetwork dn = Fixtures.withBridge(storedNetwork("mine", "198.18.10.0/24"), "dn-mine");
    assertThat(defaults.ensure(dn, null, uid -> false).report.phase).isEqualTo(Phase.Ready);
    // What the kernel then shows: the bridge, and the connected route of its gateway address.
    interfaces.add("dn-mine");
    routes.add(new Route("198.18.10.0/24", "dn-mine"));

    var again = defaults.ensure(dn, null, uid -> false);

    assertThat(again.report.phase).isEqualTo(Phase.Ready);
  }

  @Test
  void aSubnetOverlappingTheNodesOwnRoutesIsRefused() {
    var out = defaults.ensure(storedNetwork("shadow", "10.0.0.0/16"), null, uid -> false);

    assertRefused(
        out.report, "SubnetOverlapsHost", "subnet 10.0.0.0/16 overlaps 10.0.0.0/24", "eth0");
  }

  @Test
  void aSubnetOverlappingTheClusterCidrsIsRefused() {
    NodeNetworkSync guarded =
        sync(new NodePolicy(Set.of(), List.of("10.96.0.0/12", "10.244.0.0/16"), false, null));

    var out = guarded.ensure(storedNetwork("pods", "10.244.3.0/24"), null, uid -> false);

    assertRefused(out.report, "SubnetOverlapsCluster", "10.244.0.0/16", "pods or services");
  }

  @Test
  void hostFactsThatCannotBeReadRefuseWhatNeedsThem() {
    NodeNetworkSync blind =
        new NodeNetworkSync(
            docker,
            new NodeGuard(
                NodePolicy.DEFAULTS.withHostNetDir(Path.of("/nonexistent")),
                () -> {
                  throw new IOException("/nonexistent/route: no such file");
                }));

    var out = blind.ensure(storedNetwork("blind", "198.18.11.0/24"), null, uid -> false);

    assertRefused(out.report, "HostNetworkUnreadable", "/nonexistent", "agent.hostPID");
    // Without subnet or bridge name there is nothing of the host's to check.
    assertThat(blind.ensure(storedNetwork("plain", null), null, uid -> false).report.phase)
        .isEqualTo(Phase.Ready);
  }

  @Test
  void recreatingAComposeOrDockerNetworkIsRefusedUnlessAllowed() {
    docker.createNetwork(
        new NetworkRequest(
            "shop_default",
            "bridge",
            Map.of(),
            new Ipam(null, Map.of(), List.of(new IpamPool("198.18.12.0/24", null, null, Map.of()))),
            false,
            false,
            false,
            Map.of("com.docker.compose.project", "shop", "com.docker.compose.network", "default")));
    docker.resetWriteCount();
    DockerNetwork dn = storedNetwork("shop", "198.18.12.0/24");
    dn.getSpec().networkName = "shop_default";
    dn.getSpec().adoptionPolicy = AdoptionPolicy.Recreate;

    var out = defaults.ensure(dn, null, uid -> false);

    assertRefused(out.report, "ProtectedNetwork", "Docker Compose project shop", "Recreate");
    assertThat(docker.findNetwork("shop_default").orElseThrow().labels())
        .containsEntry("com.docker.compose.project", "shop");

    var allowed =
        sync(new NodePolicy(Set.of(), List.of(), true, null)).ensure(dn, null, u -> false);
    assertThat(allowed.report.phase).isEqualTo(Phase.Ready);
  }

  private void assertRefused(
      io.dockernet.operator.api.v1alpha1.NetworkReport report, String reason, String... words) {
    assertThat(report.phase).isEqualTo(Phase.Error);
    assertThat(report.reason).isEqualTo(reason);
    assertThat(report.message).contains(words);
    assertThat(docker.writeCount()).as("Docker writes").isZero();
  }

  private static DockerNetwork macvlan(String name, String parent) {
    DockerNetwork dn = storedNetwork(name, null);
    dn.getSpec().driver = NetworkDriver.MACVLAN;
    dn.getSpec().options = Map.of("parent", parent);
    return dn;
  }
}
