package io.dockernet.operator.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticAddressesTest {

  private static final NetworkInfo MYNETWORK =
      network(
          "mynetwork",
          new IpamPool(
              "172.18.0.0/24", "172.18.0.1", "172.18.0.128/25", Map.of("printer", "172.18.0.5")),
          new IpamPool("fd00:1::/64", null, null, Map.of()));

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "172.19.0.10, AddressOutsideSubnets, outside every subnet of network mynetwork (172.18.0.0/24",
    "172.18.0.1, AddressIsGateway, is the gateway of 172.18.0.0/24",
    "172.18.0.0, AddressIsNetworkAddress, is the network address of 172.18.0.0/24",
    "172.18.0.255, AddressIsBroadcast, is the broadcast address of 172.18.0.0/24",
    "172.18.0.5, AddressReserved, auxiliary address \"printer\"",
  })
  void badIpv4AddressesAreRefusedWithTheirOwnReason(String ip, String reason, String message) {
    StaticAddresses.Verdict v = StaticAddresses.check(request(ip, null), MYNETWORK, true);
    assertThat(v.refused()).isTrue();
    assertThat(v.reason()).isEqualTo(reason);
    assertThat(v.message()).contains(ip).contains(message);
  }

  @Test
  void anAddressInsideIpRangeIsAcceptedWithAWarning() {
    StaticAddresses.Verdict v =
        StaticAddresses.check(request("172.18.0.130", null), MYNETWORK, true);
    assertThat(v.refused()).isFalse();
    assertThat(v.warnings())
        .singleElement()
        .satisfies(
            w -> assertThat(w).startsWith("StaticAddressInIpRange: ").contains("172.18.0.128/25"));
  }

  @Test
  void aGoodAddressPassesSilently() {
    StaticAddresses.Verdict v =
        StaticAddresses.check(request("172.18.0.10", "fd00:1::10"), MYNETWORK, true);
    assertThat(v.refused()).isFalse();
    assertThat(v.warnings()).isEmpty();
  }

  @Test
  void withoutAGatewayTheFirstAddressIsStillTheBridgesAndIpv6IsCheckedToo() {
    StaticAddresses.Verdict first =
        StaticAddresses.check(request(null, "fd00:1::1"), MYNETWORK, true);
    StaticAddresses.Verdict outside =
        StaticAddresses.check(request(null, "fd00:2::1"), MYNETWORK, true);
    assertThat(first.reason()).isEqualTo("AddressIsGateway");
    assertThat(outside.reason()).isEqualTo("AddressOutsideSubnets");
    assertThat(outside.message()).contains("fd00:1::/64");
  }

  @Test
  void dockersDefaultBridgeRefusesStaticAddresses() {
    NetworkInfo bridge =
        network("bridge", new IpamPool("172.17.0.0/16", "172.17.0.1", null, Map.of()));
    StaticAddresses.Verdict v = StaticAddresses.check(request("172.17.0.10", null), bridge, false);
    assertThat(v.reason()).isEqualTo("StaticAddressOnDefaultBridge");
    assertThat(v.message()).contains("default bridge").contains("DockerNetwork");
    assertThat(StaticAddresses.check(request(null, null), bridge, false).refused()).isFalse();
  }

  @Test
  void aNetworkWhoseSubnetDockerPickedTakesNoStaticAddress() {
    NetworkInfo auto =
        network("auto", new IpamPool("198.19.128.0/24", "198.19.128.1", null, Map.of()));
    StaticAddresses.Verdict v = StaticAddresses.check(request("198.19.128.10", null), auto, false);
    assertThat(v.reason()).isEqualTo("NoConfiguredSubnet");
  }

  private static EndpointRequest request(String ipv4, String ipv6) {
    return new EndpointRequest(ipv4, ipv6, List.of(), List.of(), List.of(), null, Map.of());
  }

  private static NetworkInfo network(String name, IpamPool... pools) {
    return new NetworkInfo(
        "id-" + name,
        name,
        "bridge",
        Map.of(),
        new Ipam("default", Map.of(), List.of(pools)),
        false,
        false,
        false,
        Map.of(),
        List.of());
  }
}
