package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.IpamSpec;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredNetworkTest {

  /**
   * Networks made by earlier releases carry their spec hash as a label, and ContainerAttachments
   * wait while it differs from the object's: a hash that changed with an upgrade would hold them
   * forever. The value is what releases before enableIPv4 and as-written addresses computed.
   */
  @Test
  void theSpecHashIsTheOneEarlierReleasesComputed() {
    assertThat(DesiredNetwork.from(sample()).labels().get(Keys.DOCKER_SPEC_HASH))
        .isEqualTo("586b25d99876b8e7");
  }

  @Test
  void addressesAreSentAsWrittenAndEnableIpv4OnlyWhenSet() {
    NetworkRequest request = DesiredNetwork.from(sample());

    assertThat(request.ipam().pools().get(1).subnet()).isEqualTo("FD00:0:0:1::/64");
    assertThat(request.enableIpv4()).isNull();

    DockerNetwork ipv6Only = sample();
    ipv6Only.getSpec().enableIPv4 = false;
    NetworkRequest v6 = DesiredNetwork.from(ipv6Only);
    assertThat(v6.enableIpv4()).isFalse();
    assertThat(v6.labels().get(Keys.DOCKER_SPEC_HASH))
        .isNotEqualTo(request.labels().get(Keys.DOCKER_SPEC_HASH));
  }

  private static DockerNetwork sample() {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(
        new ObjectMetaBuilder()
            .withName("mynetwork")
            .withUid("0b7c0c0e-0000-4000-8000-000000000001")
            .withGeneration(1L)
            .build());
    DockerNetworkSpec s = new DockerNetworkSpec();
    s.options = new LinkedHashMap<>(Map.of("com.docker.network.bridge.name", "docker1"));
    s.labels = new LinkedHashMap<>(Map.of("tier", "web"));
    s.enableIPv6 = true;
    s.ipam = new IpamSpec();
    IpamPoolSpec p = new IpamPoolSpec();
    p.subnet = "198.18.37.0/24";
    p.gateway = "198.18.37.1";
    p.ipRange = "198.18.37.128/25";
    p.auxAddresses = new LinkedHashMap<>(Map.of("router", "198.18.37.2"));
    IpamPoolSpec q = new IpamPoolSpec();
    q.subnet = "FD00:0:0:1::/64";
    s.ipam.config = new ArrayList<>(List.of(p, q));
    dn.setSpec(s);
    return dn;
  }
}
