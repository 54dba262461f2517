package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.network.NetworkRecreator.JournalStore;
import io.dockernet.operator.network.NetworkRecreator.Result;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.node.Refusal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Replaces a network whose difference Docker cannot change in place, resumes a replacement left
 * unfinished, or previews one it may not run, so that every replacement starts from a journal saved
 * in the node's report and runs under the node's {@link NetworkGuard}.
 */
final class NetworkReplacement {

  private final DockerGateway docker;
  private final NetworkGuard guard;
  private final NetworkRecreator recreator;

  NetworkReplacement(DockerGateway docker, NetworkGuard guard) {
    this.docker = docker;
    this.guard = guard;
    this.recreator = new NetworkRecreator(docker);
  }

  /**
   * Replaces the network from a journal saved first; nothing is touched if Docker would refuse.
   *
   * @param reason Recreated for a network of ours, AdoptedByRecreate for a foreign one
   */
  PassReport<NetworkReport> replace(
      DockerNetwork dn,
      NetworkInfo actual,
      NetworkRequest desired,
      List<String> differences,
      NetworkReason reason,
      Supplier<AttachedEndpoints> attachedEndpoints,
      JournalStore store) {
    Optional<Refusal> refusal =
        Preflight.check(desired, docker.listNetworks(Map.of()), actual.id());
    if (refusal.isPresent()) {
      PassReport<NetworkReport> out =
          PassReport.of(
              base(dn, actual),
              Phase.Error,
              refusal.get().reason(),
              "not replacing the network, Docker would refuse the new one: "
                  + refusal.get().message());
      out.report.differences = differences;
      return out;
    }
    return guard.replacing(
        desired.name(),
        () -> {
          // Read before looking at the endpoints: an attachment disconnects its endpoint before
          // it deletes its report, so every endpoint seen below is either reported or not ours.
          AttachedEndpoints attached = attachedEndpoints.get();
          NetworkInfo current = docker.findNetwork(actual.id()).orElse(actual);
          NetworkJournal journal =
              journalFor(
                  dn, current, reason == NetworkReason.Recreated ? "Recreate" : "Adopt", attached);
          store.save(journal);
          Result result = recreator.run(journal, desired, attached::live, store);
          return finish(dn, desired, result, reason, differences);
        });
  }

  /** Resumes a replacement an earlier pass (or agent process) left unfinished. */
  PassReport<NetworkReport> resume(
      DockerNetwork dn,
      NetworkJournal journal,
      Supplier<AttachedEndpoints> attachedEndpoints,
      JournalStore store) {
    NetworkRequest desired = DesiredNetwork.from(dn);
    return guard.replacing(
        desired.name(),
        () -> {
          Result result = recreator.run(journal, desired, attachedEndpoints.get()::live, store);
          NetworkReason reason =
              "Adopt".equals(journal.operation)
                  ? NetworkReason.AdoptedByRecreate
                  : NetworkReason.Recreated;
          return finish(dn, desired, result, reason, List.of());
        });
  }

  /**
   * Reports what differs and what a replacement would do, changing nothing.
   *
   * @param adopted the network was adopted earlier
   */
  PassReport<NetworkReport> unchanged(
      DockerNetwork dn,
      NetworkInfo actual,
      List<String> differences,
      Supplier<AttachedEndpoints> attached,
      NetworkReason reason,
      String message,
      boolean adopted) {
    PassReport<NetworkReport> out = PassReport.of(base(dn, actual), reason, message);
    out.report.differences = differences;
    out.report.adopted = adopted ? true : null;
    out.report.plan =
        RecreatePreview.of(actual, journalFor(dn, actual, "Recreate", attached.get()), differences);
    return out;
  }

  /**
   * The journal a replacement of {@code old} starts with: its endpoints, and the stopped containers
   * configured on it (which only the container list shows).
   */
  private NetworkJournal journalFor(
      DockerNetwork dn, NetworkInfo old, String operation, AttachedEndpoints attached) {
    Set<String> ids = new TreeSet<>();
    old.endpoints().forEach(e -> ids.add(e.containerId()));
    docker.overview().containers().values().stream()
        .filter(c -> c.networks().containsKey(old.name()))
        .forEach(c -> ids.add(c.id()));
    Map<String, ContainerInfo> containers = new HashMap<>();
    for (String id : ids) {
      docker.findContainer(id).ifPresent(c -> containers.put(c.id(), c));
    }
    long generation =
        dn.getMetadata().getGeneration() == null ? 0 : dn.getMetadata().getGeneration();
    return RecreateJournals.start(
        operation, generation, old, containers, id -> attached.attachmentOf(old.id(), id));
  }

  /** The report after a replacement ran as far as it could. */
  private PassReport<NetworkReport> finish(
      DockerNetwork dn,
      NetworkRequest desired,
      Result result,
      NetworkReason reason,
      List<String> differences) {
    NetworkInfo now = docker.findNetwork(desired.name()).orElse(null);
    guard.unfinished(desired.name(), !result.finished());
    return ReplacementReports.after(dn, desired.name(), result, reason, differences, now);
  }
}
