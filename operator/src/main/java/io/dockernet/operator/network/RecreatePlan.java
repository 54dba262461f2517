package io.dockernet.operator.network;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot.State;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The next steps of a network replacement, from its journal and what the node shows now. Pure: no
 * I/O, so that the same function decides for a fresh change, a change resumed after the agent was
 * killed at any step, and a rollback after Docker refused the new network.
 *
 * <p>The steps, in order: record endpoints that joined the old network meanwhile; disconnect every
 * endpoint from the old network; remove it; create the new one (or, rolling back, the old one as it
 * was); then put every recorded endpoint back, static addresses first, each dynamic endpoint asking
 * for the address it had, so that no endpoint ever takes an address another one had.
 */
final class RecreatePlan {

  /** One step. */
  sealed interface Step {}

  /** Endpoints on the old network that the journal does not have yet: record them first. */
  record Record(List<NetworkEndpoint> newcomers) implements Step {}

  record Disconnect(String networkId, String containerId, String containerName) implements Step {}

  record Remove(String networkId) implements Step {}

  /** Create the network; {@code rollback}: the old one, as it was. */
  record Create(NetworkRequest request, boolean rollback) implements Step {}

  /**
   * Connect a recorded endpoint. {@code fallback}: the request without a pinned dynamic address,
   * for when the address it had is no longer free; null for static endpoints.
   */
  record Connect(
      String networkId,
      EndpointSnapshot endpoint,
      EndpointRequest request,
      EndpointRequest fallback)
      implements Step {}

  /** Nothing can be done: another network of the name is in the way. */
  record Blocked(String message) implements Step {}

  /** A recorded endpoint needs no connect: it is back, lost or released. */
  record Resolve(EndpointSnapshot endpoint, State state, String message) implements Step {}

  /** What the node shows: the network of the name (null: none) and the recorded containers. */
  record Observed(NetworkInfo network, Map<String, ContainerInfo> containers) {}

  private RecreatePlan() {}

  /**
   * @param desired the network the spec asks for
   * @param liveAttachment whether a ContainerAttachment (by name) still wants its endpoint
   * @return the steps to run now, in order; empty when every recorded endpoint is resolved
   */
  static List<Step> next(
      NetworkJournal journal,
      NetworkRequest desired,
      Observed observed,
      Predicate<String> liveAttachment) {
    boolean rollingBack = journal.rollback != null;
    NetworkRequest target =
        rollingBack ? RecreateJournals.previousRequest(journal, desired.name()) : desired;
    NetworkInfo network = observed.network();
    boolean oldStillThere = network != null && network.id().equals(journal.oldNetworkId);
    if (network == null) {
      return List.of(new Create(target, rollingBack));
    }
    if (oldStillThere && !rollingBack) {
      return replace(journal, network, observed.containers(), target);
    }
    if (!oldStillThere && !rollingBack && !sameOwner(network, target)) {
      return List.of(
          new Blocked(
              "a Docker network named "
                  + network.name()
                  + " ("
                  + network.id()
                  + ") appeared while the network was being replaced; it was not created by the"
                  + " operator for this object, so the recorded endpoints are not moved onto it"));
    }
    return restore(
        journal, network, observed.containers(), configuredSubnets(target), liveAttachment);
  }

  /**
   * Drain the old network and replace it. Stopped containers configured on it are disconnected too:
   * one left configured on a network that is gone cannot start (a daemon restarting it during the
   * replacement leaves it stopped for good), while one with no network starts and is then connected
   * like the others.
   */
  private static List<Step> replace(
      NetworkJournal journal,
      NetworkInfo old,
      Map<String, ContainerInfo> containers,
      NetworkRequest target) {
    Set<String> recorded =
        journal.endpoints.stream().map(e -> e.containerId).collect(Collectors.toSet());
    List<NetworkEndpoint> newcomers =
        old.endpoints().stream().filter(e -> !recorded.contains(e.containerId())).toList();
    if (!newcomers.isEmpty()) {
      return List.of(new Record(newcomers));
    }
    List<Step> steps = new ArrayList<>();
    old.endpoints()
        .forEach(e -> steps.add(new Disconnect(old.id(), e.containerId(), e.containerName())));
    Set<String> active =
        old.endpoints().stream().map(NetworkEndpoint::containerId).collect(Collectors.toSet());
    journal.endpoints.stream()
        .map(e -> containers.get(e.containerId))
        .filter(c -> c != null && !active.contains(c.id()))
        .filter(c -> RecreateJournals.configuredOn(c, old))
        .forEach(c -> steps.add(new Disconnect(old.id(), c.id(), c.name())));
    steps.add(new Remove(old.id()));
    steps.add(new Create(target, false));
    return steps;
  }

  /** Put every recorded endpoint that is not resolved yet back on {@code target}. */
  private static List<Step> restore(
      NetworkJournal journal,
      NetworkInfo target,
      Map<String, ContainerInfo> containers,
      boolean configuredSubnets,
      Predicate<String> liveAttachment) {
    List<Step> steps = new ArrayList<>();
    journal.endpoints.stream()
        .filter(e -> e.state == null || e.state == State.Pending)
        .sorted(EndpointSnapshots.RESTORE_ORDER)
        .forEach(
            e -> {
              ContainerInfo c = containers.get(e.containerId);
              if (c == null) {
                steps.add(
                    new Resolve(e, State.Lost, "container " + e.containerName + " was removed"));
              } else if (isOn(c, target)) {
                steps.add(new Resolve(e, State.Restored, null));
              } else if (e.attachment != null && !liveAttachment.test(e.attachment)) {
                steps.add(
                    new Resolve(
                        e,
                        State.Released,
                        "ContainerAttachment " + e.attachment + " was deleted meanwhile"));
              } else {
                EndpointRequest request =
                    EndpointSnapshots.restoreRequest(e, target, configuredSubnets);
                EndpointRequest plain = EndpointSnapshots.asConfigured(e);
                steps.add(
                    new Connect(target.id(), e, request, request.equals(plain) ? null : plain));
              }
            });
    return steps;
  }

  /** The container has an endpoint (or, stopped, a configuration) on this very network. */
  private static boolean isOn(ContainerInfo c, NetworkInfo network) {
    boolean active = network.endpoints().stream().anyMatch(n -> n.containerId().equals(c.id()));
    return (active && c.networks().containsKey(network.name()))
        || RecreateJournals.configuredOn(c, network);
  }

  private static boolean sameOwner(NetworkInfo network, NetworkRequest target) {
    String want = target.labels().get(Keys.DOCKER_OWNER_UID);
    return want == null
        || (network.labels() != null && want.equals(network.labels().get(Keys.DOCKER_OWNER_UID)));
  }

  static boolean configuredSubnets(NetworkRequest request) {
    return request.ipam() != null
        && request.ipam().pools() != null
        && !request.ipam().pools().isEmpty();
  }
}
