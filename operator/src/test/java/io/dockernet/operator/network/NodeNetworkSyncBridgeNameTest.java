package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.testbed.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A bridge name that is already another network's bridge on the node is refused before Docker is
 * asked: Engine 20.10 would put a network asked for {@code docker0} on the default bridge's device
 * and break the default network when it is removed (found by BadInputIT).
 */
class NodeNetworkSyncBridgeNameTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final NodeNetworkSync sync = new NodeNetworkSync(docker);

  @Test
  void aBridgeNameAnotherNetworkUsesIsRefusedWithoutAskingDocker() {
    docker.createNetwork(
        new NetworkRequest(
            "someone-elses",
            "bridge",
            Map.of("com.docker.network.bridge.name", "dn-taken"),
            new Ipam(null, Map.of(), List.of(new IpamPool("198.18.9.0/24", null, null, Map.of()))),
            false,
            false,
            false,
            Map.of()));
    docker.resetWriteCount();
    DockerNetwork dn = Fixtures.withBridge(storedNetwork("mine", "198.18.10.0/24"), "dn-taken");

    var out = sync.ensure(dn, null, uid -> false);

    assertThat(out.report.phase).isEqualTo(Phase.Error);
    assertThat(out.report.reason).isEqualTo("BridgeNameTaken");
    assertThat(out.report.message).contains("dn-taken").contains("someone-elses");
    assertThat(docker.writeCount()).as("Docker writes").isZero();
  }

  @Test
  void aRecreateMayKeepItsOwnBridgeName() {
    DockerNetwork dn = Fixtures.withBridge(storedNetwork("mine", "198.18.10.0/24"), "dn-mine");
    assertThat(sync.ensure(dn, null, uid -> false).report.phase).isEqualTo(Phase.Ready);
    dn.getSpec().labels = Map.of("tier", "changed");

    var out = sync.ensure(dn, null, uid -> false);

    assertThat(out.report.phase).isEqualTo(Phase.Ready);
    assertThat(out.report.bridge).isEqualTo("dn-mine");
  }
}
