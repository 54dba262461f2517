package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExampleAddressesTest {

  @Test
  void eachPrivateSlash24MovesToItsOwnTestSlash24KeepingHostPartsAndMasks() {
    ExampleAddresses addresses = new ExampleAddresses(70);
    String moved =
        addresses.rewrite(
            "subnet: 172.18.0.0/24\ngateway: 172.18.0.1\nip: 172.18.0.10\n"
                + "other: 10.30.0.0/24 # docker network create --subnet 192.168.5.0/25\n"
                + "v6: 2001:db8:1::/64 public: 8.8.8.8");
    assertThat(moved)
        .isEqualTo(
            "subnet: 198.18.70.0/24\ngateway: 198.18.70.1\nip: 198.18.70.10\n"
                + "other: 198.18.71.0/24 # docker network create --subnet 198.18.72.0/25\n"
                + "v6: 2001:db8:1::/64 public: 8.8.8.8");
    assertThat(addresses.rewrite("again: 172.18.0.7")).isEqualTo("again: 198.18.70.7");
  }

  @Test
  void aNetworkWiderThanSlash24CannotBeMovedSoItIsRefused() {
    assertThatThrownBy(() -> new ExampleAddresses(70).rewrite("subnet: 172.20.0.0/16"))
        .hasMessageContaining("/24 or smaller");
  }
}
