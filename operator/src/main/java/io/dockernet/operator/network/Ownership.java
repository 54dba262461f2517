package io.dockernet.operator.network;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import java.util.Map;

/** Who a Docker network belongs to, as far as this operator is concerned. */
enum Ownership {
  /** Created by the operator for this very object. */
  OURS,
  /** Taken over earlier under adoptionPolicy (it carries no labels of ours). */
  ADOPTED,
  /** Created by the operator for another DockerNetwork object. */
  OTHER_OBJECT,
  /** Not created by the operator. */
  FOREIGN;

  static Ownership of(NetworkInfo network, String ownerUid, NetworkReport previous) {
    Map<String, String> labels = network.labels() == null ? Map.of() : network.labels();
    if (Keys.DOCKER_MANAGED_BY_VALUE.equals(labels.get(Keys.DOCKER_MANAGED_BY))) {
      return ownerUid.equals(labels.get(Keys.DOCKER_OWNER_UID)) ? OURS : OTHER_OBJECT;
    }
    if (previous != null
        && Boolean.TRUE.equals(previous.adopted)
        && network.id().equals(previous.networkId)) {
      return ADOPTED;
    }
    return FOREIGN;
  }

  boolean mine() {
    return this == OURS || this == ADOPTED;
  }

  /** The UID of the DockerNetwork a managed network was created for. */
  static String ownerUidOf(NetworkInfo network) {
    return network.labels() == null ? null : network.labels().get(Keys.DOCKER_OWNER_UID);
  }
}
