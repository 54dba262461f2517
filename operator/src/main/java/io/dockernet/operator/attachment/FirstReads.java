package io.dockernet.operator.attachment;

import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker reads an attachment's pass starts with: its container and its network, each asked at
 * most once per pass. A node's first pass asks them while deciding whether the node joins ({@link
 * ContainerAttachmentAgentReconciler#joins}); its ensure, a moment later in the same pass, takes
 * those answers instead of asking again. In a bulk apply, where nearly every pass is a first one,
 * that is two inspects fewer per attachment.
 */
final class FirstReads {

  /**
   * Far longer than a pass takes from its join decision to its ensure; answers older than this
   * (kept by a pass that failed in between) are not used.
   */
  static final Duration FRESH = Duration.ofSeconds(1);

  private final DockerGateway docker;
  private final long atNanos = System.nanoTime();
  private final Map<String, Optional<ContainerInfo>> containers = new HashMap<>();
  private final Map<String, Optional<NetworkInfo>> networks = new HashMap<>();

  FirstReads(DockerGateway docker) {
    this.docker = docker;
  }

  Optional<ContainerInfo> container(String nameOrId) {
    return containers.computeIfAbsent(nameOrId, docker::findContainer);
  }

  Optional<NetworkInfo> network(String nameOrId) {
    return networks.computeIfAbsent(nameOrId, docker::findNetwork);
  }

  boolean fresh() {
    return System.nanoTime() - atNanos < FRESH.toNanos();
  }
}
