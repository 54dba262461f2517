package io.dockernet.operator.uninstall;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.node.NodeFinalizer;
import io.dockernet.operator.status.SummaryConditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chart's pre-delete hook: deletes every ContainerAttachment, then every DockerNetwork, and
 * waits while the agents (still running: Helm runs the hook before it deletes anything) clean up
 * their nodes and release their finalizers. Attachments go first so that no network is removed
 * under an endpoint the operator still manages.
 *
 * <p>What an agent refuses to remove (a network with a container the operator does not manage on
 * it) keeps its finalizer, and the hook fails after its timeout naming the object, the nodes that
 * hold it and why: the uninstall stops there, with the release and its agents intact, instead of
 * leaving objects no agent will ever release.
 */
public final class UninstallCleanup {

  private static final Logger LOG = LoggerFactory.getLogger(UninstallCleanup.class);

  /** The first argument that makes the image run this instead of its roles. */
  public static final String COMMAND = "uninstall-cleanup";

  private static final String TIMEOUT = "--timeout-seconds=";
  private static final Duration POLL = Duration.ofSeconds(1);

  private final KubernetesClient client;

  public UninstallCleanup(KubernetesClient client) {
    this.client = client;
  }

  /**
   * What a run left: the exit code of the command (0 when every object is gone, 1 when some are
   * left, 2 on a bad argument) and one line per object still held.
   */
  public record Outcome(int exitCode, List<String> held) {}

  /** The command line after {@link #COMMAND}: {@code [--timeout-seconds=N]} (default 240). */
  public static Outcome command(List<String> args, KubernetesClient client)
      throws InterruptedException {
    Duration timeout = Duration.ofSeconds(240);
    for (String arg : args) {
      if (!arg.matches(Pattern.quote(TIMEOUT) + "[0-9]{1,9}")) {
        LOG.error("unknown argument {} ({} takes only {}N)", arg, COMMAND, TIMEOUT);
        return new Outcome(2, List.of());
      }
      timeout = Duration.ofSeconds(Long.parseLong(arg.substring(TIMEOUT.length())));
    }
    List<String> held = new UninstallCleanup(client).run(timeout);
    held.forEach(LOG::error);
    return new Outcome(held.isEmpty() ? 0 : 1, held);
  }

  /**
   * Deletes and awaits both kinds within the timeout.
   *
   * @return empty when none is left; else what is left, who holds it, and why
   */
  public List<String> run(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    List<String> held =
        deleteAndAwait(
            ContainerAttachment.class,
            ContainerAttachmentNodeState.class,
            Keys.ATTACHMENT_LABEL,
            deadline);
    return held.isEmpty()
        ? deleteAndAwait(
            DockerNetwork.class, DockerNetworkNodeState.class, Keys.DOCKER_NETWORK_LABEL, deadline)
        : held;
  }

  private <T extends HasMetadata, R extends CustomResource<Void, ? extends NodeReport>>
      List<String> deleteAndAwait(
          Class<T> type, Class<R> reportType, String parentLabel, Instant deadline)
          throws InterruptedException {
    String kind = HasMetadata.getKind(type);
    while (true) {
      List<T> left = client.resources(type).list().getItems();
      if (left.isEmpty()) {
        LOG.info("Every {} is gone", kind);
        return List.of();
      }
      // Each pass deletes what is not being deleted yet: also what a GitOps tool re-created.
      left.stream()
          .filter(o -> o.getMetadata().getDeletionTimestamp() == null)
          .forEach(
              o -> {
                LOG.info("Deleting {} {}", kind, o.getMetadata().getName());
                client.resource(o).delete();
              });
      if (Instant.now().isAfter(deadline)) {
        return left.stream().map(o -> heldBy(o, reportType, parentLabel)).toList();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * "DockerNetwork net is still held by node(s) [node-b]: node-b: Blocked ForeignEndpoints - ..."
   */
  private <R extends CustomResource<Void, ? extends NodeReport>> String heldBy(
      HasMetadata object, Class<R> reportType, String parentLabel) {
    List<NodeReport> reports =
        client
            .resources(reportType)
            .withLabel(parentLabel, object.getMetadata().getName())
            .list()
            .getItems()
            .stream()
            .map(r -> (NodeReport) r.getStatus())
            .toList();
    return object.getKind()
        + " "
        + object.getMetadata().getName()
        + " is still held by node(s) "
        + NodeFinalizer.nodesOf(object)
        + ": "
        + why(reports);
  }

  /** "node-b: Blocked ForeignEndpoints - ..." for the nodes that are not done. */
  static String why(List<NodeReport> reports) {
    String text =
        SummaryConditions.describe(
            reports.stream().filter(Objects::nonNull).filter(r -> r.phase != Phase.Ready).toList());
    return text.isEmpty() ? "no node reported a problem (is their agent running?)" : text;
  }
}
