package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.Engine;
import io.dockernet.operator.docker.EngineUnsupportedException;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.node.PassReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a node's Engine cannot do, and a typo in a subnet, are refused before any Docker write. */
class NodeNetworkSyncEngineTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final NodeNetworkSync sync = new NodeNetworkSync(docker);

  private PassReport<NetworkReport> ensure(DockerNetwork dn) {
    return sync.ensure(dn, null, uid -> false);
  }

  @Test
  void anIpv6OnlyNetworkOnAnEngineBefore28IsRefusedAndNothingIsCreated() {
    docker.setEngine(Engine.negotiate("26.1.5+dfsg1", "1.45", "1.24"));
    DockerNetwork dn = storedNetwork("v6only", "fd00:0:0:7::/64");
    dn.getSpec().enableIPv6 = true;
    dn.getSpec().enableIPv4 = false;

    PassReport<NetworkReport> out = ensure(dn);

    assertThat(out.report.phase).isEqualTo(Phase.Error);
    assertThat(out.report.reason).isEqualTo("UnsupportedByEngine");
    assertThat(out.report.message)
        .contains("IPv6-only network (enableIPv4: false)")
        .contains("Docker Engine 28.0 (API 1.48)")
        .contains("26.1.5");
    assertThat(docker.writeCount()).isZero();
    assertThat(docker.findNetwork("v6only")).isEmpty();
  }

  @Test
  void theSameNetworkOnEngine28IsCreatedIpv6OnlyAndThenMatches() {
    docker.setEngine(Engine.negotiate("28.5.2+dfsg4", "1.51", "1.44"));
    DockerNetwork dn = storedNetwork("v6only", "fd00:0:0:7::/64");
    dn.getSpec().enableIPv6 = true;
    dn.getSpec().enableIPv4 = false;

    assertThat(ensure(dn).report.phase).isEqualTo(Phase.Ready);
    assertThat(docker.findNetwork("v6only").orElseThrow().enableIpv4()).isFalse();
    docker.resetWriteCount();
    assertThat(ensure(dn).report.phase).isEqualTo(Phase.Ready);
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void aGatewayModeTheEngineWouldIgnoreIsRefused() {
    DockerNetwork dn = storedNetwork("routed", "198.18.41.0/24");
    dn.getSpec().options = Map.of("com.docker.network.bridge.gateway_mode_ipv4", "routed");

    PassReport<NetworkReport> out = ensure(dn);

    assertThat(out.report.reason).isEqualTo("UnsupportedByEngine");
    assertThat(out.report.message).contains("needs Docker Engine 27.0 (API 1.46)");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void hostBitsInTheSubnetAreRefusedNotMaskedOff() {
    PassReport<NetworkReport> out = ensure(storedNetwork("typo", "198.18.37.5/24"));

    assertThat(out.report.phase).isEqualTo(Phase.Error);
    assertThat(out.report.reason).isEqualTo("InvalidSubnet");
    assertThat(out.report.message)
        .isEqualTo("invalid subnet 198.18.37.5/24: it should be 198.18.37.0/24");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void anEngineTooOldToSpeakToFailsThePassWithItsReason() {
    docker.setEngine(Engine.negotiate("19.03.15", "1.40", "1.12"));

    assertThatThrownBy(() -> ensure(storedNetwork("mynetwork", "198.18.0.0/24")))
        .isInstanceOfSatisfying(
            EngineUnsupportedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("EngineTooOld");
              assertThat(e.reportMessage()).contains("19.03.15").contains("1.40").contains("1.41");
            });
    assertThat(docker.writeCount()).isZero();
  }
}
