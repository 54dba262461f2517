package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.Engine;
import io.dockernet.operator.node.Refusal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Host bits in a subnet are refused on every Engine in the words Engine 25+ uses itself (checked
 * against real Engines in GeneratedInputsIT), never masked off behind the user's back.
 */
class NetworkPreflightTest {

  private static final Engine V20_10 = Engine.negotiate("20.10.24+dfsg1", "1.41", "1.12");

  @Test
  void hostBitsInASubnetOrIpRangeAreRefusedInTheEnginesWords() {
    assertThat(refusal(pool("198.18.37.5/24", null)).message())
        .isEqualTo("invalid subnet 198.18.37.5/24: it should be 198.18.37.0/24");
    assertThat(refusal(pool("fd00:0:0:1::1/64", null)).message())
        .isEqualTo("invalid subnet fd00:0:0:1::1/64: it should be fd00:0:0:1::/64");
    assertThat(refusal(pool("198.18.38.0/24", "198.18.38.130/25")).message())
        .isEqualTo("invalid ip-range 198.18.38.130/25: it should be 198.18.38.128/25");
    assertThat(refusal(pool("198.18.37.5/24", null)).reason()).isEqualTo("InvalidSubnet");
    // Both addresses as the Engine prints them: parsed, in canonical form.
    assertThat(refusal(pool("FD00:0:0:1:0:0:0:0D39/64", null)).message())
        .isEqualTo("invalid subnet fd00:0:0:1::d39/64: it should be fd00:0:0:1::/64");
  }

  @Test
  void aNetworkAddressInAnySpellingPasses() {
    assertThat(NetworkPreflight.check(request(pool("198.18.37.0/24", null)), V20_10)).isEmpty();
    assertThat(NetworkPreflight.check(request(pool("FD00:0:0:1:0:0:0:0/64", null)), V20_10))
        .isEmpty();
    assertThat(NetworkPreflight.check(request(pool("198.18.38.0/24", "198.18.38.128/25")), V20_10))
        .isEmpty();
    assertThat(NetworkPreflight.check(request(null), V20_10)).isEmpty();
  }

  private static Refusal refusal(IpamPool pool) {
    return NetworkPreflight.check(request(pool), V20_10).orElseThrow();
  }

  private static IpamPool pool(String subnet, String ipRange) {
    return new IpamPool(subnet, null, ipRange, Map.of());
  }

  private static NetworkRequest request(IpamPool pool) {
    return new NetworkRequest(
        "n",
        "bridge",
        Map.of(),
        pool == null ? null : new Ipam(null, Map.of(), List.of(pool)),
        false,
        false,
        false,
        Map.of());
  }
}
