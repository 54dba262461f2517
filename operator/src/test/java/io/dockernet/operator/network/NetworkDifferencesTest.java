package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.testbed.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkDifferencesTest {

  /** What the daemon would report for a network created from this request. */
  private static NetworkInfo asCreated(NetworkRequest r, List<IpamPool> pools) {
    return new NetworkInfo(
        "abc123",
        r.name(),
        r.driver(),
        new HashMap<>(r.options()),
        new Ipam("default", Map.of(), pools),
        r.internal(),
        r.attachable(),
        r.enableIpv6(),
        new HashMap<>(r.labels()),
        List.of());
  }

  private static List<String> diff(DockerNetwork dn, NetworkInfo actual) {
    return NetworkDifferences.between(dn.getSpec(), DesiredNetwork.from(dn), actual, true);
  }

  @Test
  void aNetworkCreatedFromTheSpecHasNoDifferencesEvenWithAGatewayTheDaemonPicked() {
    DockerNetwork dn = Fixtures.withBridge(storedNetwork("mynetwork", "198.18.0.0/24"), "docker1");
    NetworkInfo actual =
        asCreated(
            DesiredNetwork.from(dn),
            List.of(new IpamPool("198.18.0.0/24", "198.18.0.1", null, null)));
    assertThat(diff(dn, actual)).isEmpty();
  }

  @Test
  void subnetsCompareInCanonicalFormAndPoolsInAnyOrder() {
    DockerNetwork dn = storedNetwork("n", "198.18.0.5/24");
    var second = new io.dockernet.operator.api.v1alpha1.IpamPoolSpec();
    second.subnet = "fd00:0:0:1::/64";
    dn.getSpec().ipam.config.add(second);
    NetworkInfo actual =
        asCreated(
            DesiredNetwork.from(dn),
            List.of(
                new IpamPool("fd00:0:0:1::/64", "fd00:0:0:1::1", null, null),
                new IpamPool("198.18.0.0/24", "198.18.0.1", null, null)));
    assertThat(diff(dn, actual)).isEmpty();
  }

  @Test
  void anIpv6PoolTheDaemonAddedIsNotADifference() {
    DockerNetwork dn = storedNetwork("n", "198.18.0.0/24");
    dn.getSpec().enableIPv6 = true;
    NetworkInfo actual =
        asCreated(
            DesiredNetwork.from(dn),
            List.of(
                new IpamPool("198.18.0.0/24", null, null, null),
                new IpamPool("fd5c:1::/64", null, null, null)));
    assertThat(diff(dn, actual)).isEmpty();
  }

  @Test
  void booleanOptionsCompareByMeaning() {
    DockerNetwork dn = storedNetwork("n", null);
    dn.getSpec().options = Map.of("com.docker.network.bridge.enable_icc", "false");
    NetworkRequest desired = DesiredNetwork.from(dn);
    NetworkInfo actual = asCreated(desired, List.of());
    actual.options().put("com.docker.network.bridge.enable_icc", "False");
    assertThat(diff(dn, actual)).isEmpty();
  }

  @Test
  void aChangedSubnetGatewayOrOptionIsReportedField() {
    DockerNetwork dn = storedNetwork("n", "198.18.1.0/24");
    dn.getSpec().ipam.config.get(0).gateway = "198.18.1.254";
    dn.getSpec().internal = true;
    NetworkInfo actual =
        asCreated(
            DesiredNetwork.from(storedNetwork("n", "198.18.0.0/24")),
            List.of(new IpamPool("198.18.0.0/24", "198.18.0.1", null, null)));
    assertThat(diff(dn, actual))
        .anySatisfy(d -> assertThat(d).startsWith("ipam.config").contains("198.18.1.254"))
        .anySatisfy(d -> assertThat(d).isEqualTo("internal: want true, have false"));
  }

  @Test
  void anOptionRemovedFromTheSpecIsADifferenceOnlyForNetworksWeCreated() {
    DockerNetwork before = Fixtures.withBridge(storedNetwork("n", null), "docker1");
    NetworkInfo actual = asCreated(DesiredNetwork.from(before), List.of());
    DockerNetwork after = storedNetwork("n", null);
    after.getMetadata().setUid(before.getMetadata().getUid());
    NetworkRequest desired = DesiredNetwork.from(after);
    assertThat(NetworkDifferences.between(after.getSpec(), desired, actual, true))
        .containsExactly("option com.docker.network.bridge.name: want unset, have docker1");
    assertThat(NetworkDifferences.between(after.getSpec(), desired, actual, false)).isEmpty();
  }

  @Test
  void theSameSpecHashesTheSameAndAChangedOneDifferently() {
    DockerNetwork a = storedNetwork("n", "198.18.0.0/24");
    DockerNetwork b = storedNetwork("n", "198.18.0.0/24");
    DockerNetwork c = storedNetwork("n", "198.18.1.0/24");
    String hash = io.dockernet.operator.Keys.DOCKER_SPEC_HASH;
    assertThat(DesiredNetwork.from(a).labels().get(hash))
        .isEqualTo(DesiredNetwork.from(b).labels().get(hash))
        .isNotEqualTo(DesiredNetwork.from(c).labels().get(hash));
  }
}
