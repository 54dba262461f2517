package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.IpamSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test fixtures: DockerNetwork objects as a user would write them. */
final class Networks {

  private Networks() {}

  /** The seed scenario: mynetwork, 172.18.0.0/24 (test bed range here), bridge docker1. */
  static DockerNetwork network(String name, String subnet) {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withUid(UUID.randomUUID().toString())
            .withGeneration(1L)
            .build());
    DockerNetworkSpec spec = new DockerNetworkSpec();
    if (subnet != null) {
      spec.ipam = new IpamSpec();
      IpamPoolSpec pool = new IpamPoolSpec();
      pool.subnet = subnet;
      spec.ipam.config = new ArrayList<>(List.of(pool));
    }
    dn.setSpec(spec);
    return dn;
  }

  static DockerNetwork withBridge(DockerNetwork dn, String bridge) {
    dn.getSpec().options = Map.of("com.docker.network.bridge.name", bridge);
    return dn;
  }
}
