package io.dockernet.operator.attachment;

import io.dockernet.operator.Keys;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.config.NodePolicy.AttachmentMode;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.node.Refusal;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster's policy does not let a ContainerAttachment do, decided before any Docker write:
 * whoever may create one must not thereby reach every container of every node. Pure: no I/O.
 *
 * <ul>
 *   <li>{@code ContainerNameNotExact}: {@code container} matched only as an ID prefix (Docker
 *       resolves those): another container could answer to it later.
 *   <li>{@code ContainerNotOptedIn}: with {@link AttachmentMode#OptIn}, a container without the
 *       Docker label {@code io.dockernet.attachable=true}.
 *   <li>{@code DefaultBridgeNotAllowed}: Docker's default {@code bridge} (egress for a container
 *       that was only on internal networks) unless the cluster allows it.
 *   <li>{@code AliasTaken}: an alias that is another container's name on that network: it would
 *       take that container's DNS name.
 * </ul>
 */
final class AttachmentGuard {

  private final NodePolicy policy;

  AttachmentGuard(NodePolicy policy) {
    this.policy = policy;
  }

  /**
   * @param asked the spec's {@code container}
   * @param c the container Docker found for it
   * @param dockerNetwork the Docker network name the attachment targets
   * @param net that network on the node, or null when it is not there (yet)
   * @param aliases the aliases asked for
   */
  Optional<Refusal> check(
      String asked, ContainerInfo c, String dockerNetwork, NetworkInfo net, List<String> aliases) {
    if (!asked.equals(c.name()) && !asked.equals("/" + c.name()) && !asked.equals(c.id())) {
      return Optional.of(
          new Refusal(
              AttachmentReason.ContainerNameNotExact,
              "container "
                  + asked
                  + " matches container "
                  + c.name()
                  + " ("
                  + c.id()
                  + ") only by an ID prefix; name it by its full name or full ID, so that no"
                  + " other container can ever answer to it"));
    }
    if (policy.attachments() == AttachmentMode.OptIn
        && !"true".equals(c.labels() == null ? null : c.labels().get(Keys.DOCKER_ATTACHABLE))) {
      return Optional.of(
          new Refusal(
              AttachmentReason.ContainerNotOptedIn,
              "container "
                  + c.name()
                  + " does not carry the Docker label "
                  + Keys.DOCKER_ATTACHABLE
                  + "=true: the cluster attaches only containers that opt in (docker run --label "
                  + Keys.DOCKER_ATTACHABLE
                  + "=true ...; or chart value attachmentPolicy.mode Open)"));
    }
    if (DesiredEndpoint.DEFAULT_BRIDGE.equals(dockerNetwork) && !policy.allowDefaultBridge()) {
      return Optional.of(
          new Refusal(
              AttachmentReason.DefaultBridgeNotAllowed,
              "the cluster does not allow connecting containers to Docker's default bridge"
                  + " network, which gives them a way out of the node (chart value"
                  + " attachmentPolicy.allowDefaultBridge)"));
    }
    if (net != null && aliases != null) {
      for (String alias : aliases) {
        for (NetworkEndpoint e : net.endpoints()) {
          if (alias.equals(e.containerName()) && !c.id().equals(e.containerId())) {
            return Optional.of(
                new Refusal(
                    AttachmentReason.AliasTaken,
                    "alias "
                        + alias
                        + " is the name of another container on network "
                        + net.name()
                        + ": it would take that container's DNS name"));
          }
        }
      }
    }
    return Optional.empty();
  }
}
