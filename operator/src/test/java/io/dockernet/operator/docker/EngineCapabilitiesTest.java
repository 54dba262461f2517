package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.node.Refusal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each Engine of the test bed is refused, and that the refusal says what is needed. */
class EngineCapabilitiesTest {

  private static final Engine V20_10 = Engine.negotiate("20.10.24+dfsg1", "1.41", "1.12");
  private static final Engine V26_1 = Engine.negotiate("26.1.5+dfsg1", "1.45", "1.24");
  private static final Engine V27_0 = Engine.negotiate("27.0.3", "1.46", "1.24");
  private static final Engine V28_5 = Engine.negotiate("28.5.2+dfsg4", "1.51", "1.44");

  @Test
  void anIpv6OnlyNetworkNeedsEngine28AndTheRefusalSaysSo() {
    NetworkRequest ipv6Only = network(Map.of(), false);

    Refusal refusal = EngineCapabilities.check(ipv6Only, V26_1).orElseThrow();

    assertThat(refusal.reason()).isEqualTo("UnsupportedByEngine");
    assertThat(refusal.message())
        .contains("Docker Engine 26.1.5+dfsg1 (API 1.45)")
        .contains("IPv6-only network (enableIPv4: false) needs Docker Engine 28.0 (API 1.48)");
    assertThat(EngineCapabilities.check(ipv6Only, V20_10)).isPresent();
    assertThat(EngineCapabilities.check(ipv6Only, V28_5)).isEmpty();
    assertThat(EngineCapabilities.check(network(Map.of(), true), V20_10)).isEmpty();
  }

  @Test
  void bridgeGatewayModesNeedTheEngineThatIntroducedEach() {
    NetworkRequest routed =
        network(Map.of("com.docker.network.bridge.gateway_mode_ipv4", "routed"), null);
    NetworkRequest isolated =
        network(Map.of("com.docker.network.bridge.gateway_mode_ipv6", "isolated"), null);

    assertThat(EngineCapabilities.check(routed, V26_1).orElseThrow().message())
        .contains("bridge gateway mode routed")
        .contains("com.docker.network.bridge.gateway_mode_ipv4")
        .contains("needs Docker Engine 27.0 (API 1.46)");
    assertThat(EngineCapabilities.check(routed, V27_0)).isEmpty();
    assertThat(EngineCapabilities.check(isolated, V27_0).orElseThrow().message())
        .contains("needs Docker Engine 28.0 (API 1.48)");
    assertThat(EngineCapabilities.check(isolated, V28_5)).isEmpty();
    // An unknown mode is the Engine's to refuse, with its own message.
    NetworkRequest bogus =
        network(Map.of("com.docker.network.bridge.gateway_mode_ipv4", "bogus"), null);
    assertThat(EngineCapabilities.check(bogus, V20_10)).isEmpty();
  }

  @Test
  void aWideIpv6IpRangeNeedsTheEngineThatCanAllocateFromIt() {
    NetworkRequest wide = withIpv6Range("fdf8:25c4:9d07:1ba0::/59"); // seed 805509175940
    NetworkRequest slash64 = withIpv6Range("fd00:1:2:3::/64");
    NetworkRequest narrow = withIpv6Range("fd00:1:2:3::/80");

    assertThat(EngineCapabilities.check(wide, V20_10).orElseThrow().message())
        .contains("an IPv6 ipRange wider than /64 needs Docker Engine 28.0 (API 1.48)");
    assertThat(EngineCapabilities.check(wide, V28_5)).isEmpty();
    assertThat(EngineCapabilities.check(slash64, V26_1).orElseThrow().message())
        .contains("an IPv6 ipRange of /64 needs Docker Engine 27.2 (API 1.47)");
    assertThat(EngineCapabilities.check(narrow, V20_10)).isEmpty();
  }

  private static NetworkRequest withIpv6Range(String range) {
    return new NetworkRequest(
        "n",
        "bridge",
        Map.of(),
        new DockerGateway.Ipam(
            null,
            Map.of(),
            java.util.List.of(
                new DockerGateway.IpamPool("fdf8:25c4:9d07:1b80::/58", null, range, Map.of()))),
        false,
        false,
        true,
        Map.of(),
        null);
  }

  @Test
  void everyMissingFeatureIsNamedAtOnce() {
    NetworkRequest both =
        network(Map.of("com.docker.network.bridge.gateway_mode_ipv4", "nat"), false);

    assertThat(EngineCapabilities.check(both, V20_10).orElseThrow().message())
        .contains("IPv6-only")
        .contains("gateway mode nat");
  }

  @Test
  void endpointDriverOptionsOfNewerEnginesAreRefusedOnOlderOnes() {
    EndpointRequest sysctls =
        new EndpointRequest(
            null,
            null,
            List.of(),
            List.of(),
            List.of(),
            null,
            Map.of("com.docker.network.endpoint.sysctls", "net.ipv4.conf.IFNAME.log_martians=1"));

    assertThat(EngineCapabilities.check(sysctls, V26_1).orElseThrow().message())
        .contains("com.docker.network.endpoint.sysctls needs Docker Engine 27.0 (API 1.46)");
    assertThat(EngineCapabilities.check(sysctls, V28_5)).isEmpty();
  }

  private static NetworkRequest network(Map<String, String> options, Boolean enableIpv4) {
    return new NetworkRequest(
        "n", "bridge", options, null, false, false, true, Map.of(), enableIpv4);
  }
}
