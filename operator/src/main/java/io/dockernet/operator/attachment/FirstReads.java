package io.dockernet.operator.attachment;

import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.javaoperatorsdk.operator.api.reconciler.Context;
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

  private final DockerGateway docker;
  private final Map<String, Optional<ContainerInfo>> containers = new HashMap<>();
  private final Map<String, Optional<NetworkInfo>> networks = new HashMap<>();

  FirstReads(DockerGateway docker) {
    this.docker = docker;
  }

  /**
   * The reads of the pass whose context this is: made by the pass's first call, shared by the later
   * ones. JOSDK makes a context per pass, so nothing outlives it.
   */
  static FirstReads of(Context<?> pass, DockerGateway docker) {
    var shared = pass.managedWorkflowAndDependentResourceContext();
    Optional<FirstReads> made = shared.get(FirstReads.class, FirstReads.class);
    if (made.isPresent()) {
      return made.get();
    }
    FirstReads reads = new FirstReads(docker);
    shared.put(FirstReads.class, reads);
    return reads;
  }

  Optional<ContainerInfo> container(String nameOrId) {
    return containers.computeIfAbsent(nameOrId, docker::findContainer);
  }

  Optional<NetworkInfo> network(String nameOrId) {
    return networks.computeIfAbsent(nameOrId, docker::findNetwork);
  }
}
