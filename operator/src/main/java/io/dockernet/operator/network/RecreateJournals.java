package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.JournaledNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Builds the journal of a network replacement and reads it back. Pure: no I/O. */
final class RecreateJournals {

  private RecreateJournals() {}

  /**
   * The journal of replacing {@code old}: its settings, every endpoint on it, and every stopped
   * container configured on it (a stopped container has no endpoint, but Docker starts it on the
   * network its configuration names, and fails to once that network is gone).
   *
   * @param containers the inspected containers of the endpoints and of the stopped containers
   *     configured on {@code old}, by ID (a container removed meanwhile is missing and not
   *     recorded)
   * @param attachmentOf the ContainerAttachment that made a container's endpoint on {@code old}, or
   *     null for an endpoint the operator does not manage
   */
  static NetworkJournal start(
      String operation,
      long generation,
      NetworkInfo old,
      Map<String, ContainerInfo> containers,
      Function<String, String> attachmentOf) {
    NetworkJournal j = new NetworkJournal();
    j.operation = operation;
    j.generation = generation;
    j.startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    j.oldNetworkId = old.id();
    j.previous = settingsOf(old);
    j.endpoints = new ArrayList<>(snapshots(old, old.endpoints(), containers, attachmentOf));
    Set<String> active = new HashSet<>();
    old.endpoints().forEach(e -> active.add(e.containerId()));
    containers.values().stream()
        .filter(c -> !active.contains(c.id()) && configuredOn(c, old))
        .sorted(Comparator.comparing(ContainerInfo::name))
        .forEach(
            c ->
                j.endpoints.add(
                    EndpointSnapshots.of(
                        c.id(),
                        c.name(),
                        c.networks().get(old.name()),
                        attachmentOf.apply(c.id()))));
    return j;
  }

  /**
   * A stopped container whose configuration names {@code network}: Docker starts it on that very
   * network (by ID once it ran on it, by name before it first ran).
   */
  static boolean configuredOn(ContainerInfo c, NetworkInfo network) {
    ContainerEndpoint e = c.networks().get(network.name());
    return e != null
        && !c.running()
        && (e.networkId() == null || network.id().equals(e.networkId()));
  }

  /** Snapshots of some endpoints of {@code network}, from their containers' inspect output. */
  static List<EndpointSnapshot> snapshots(
      NetworkInfo network,
      List<NetworkEndpoint> endpoints,
      Map<String, ContainerInfo> containers,
      Function<String, String> attachmentOf) {
    List<EndpointSnapshot> out = new ArrayList<>();
    for (NetworkEndpoint e : endpoints) {
      ContainerInfo c = containers.get(e.containerId());
      ContainerEndpoint configured = c == null ? null : c.networks().get(network.name());
      if (configured != null) {
        out.add(EndpointSnapshots.of(c.id(), c.name(), configured, attachmentOf.apply(c.id())));
      }
    }
    return out;
  }

  /** The create request that puts the old network back under its name, as it was. */
  static NetworkRequest previousRequest(NetworkJournal j, String name) {
    JournaledNetwork p = j.previous;
    List<IpamPool> pools = new ArrayList<>();
    if (p.pools != null) {
      p.pools.forEach(
          pool ->
              pools.add(
                  new IpamPool(
                      pool.subnet,
                      pool.gateway,
                      pool.ipRange,
                      pool.auxAddresses == null ? Map.of() : pool.auxAddresses)));
    }
    return new NetworkRequest(
        name,
        p.driver,
        orEmpty(p.options),
        new Ipam(p.ipamDriver, orEmpty(p.ipamOptions), pools),
        Boolean.TRUE.equals(p.internal),
        Boolean.TRUE.equals(p.attachable),
        Boolean.TRUE.equals(p.enableIPv6),
        orEmpty(p.labels));
  }

  private static JournaledNetwork settingsOf(NetworkInfo n) {
    JournaledNetwork p = new JournaledNetwork();
    p.driver = n.driver();
    p.options = new TreeMap<>(orEmpty(n.options()));
    p.internal = n.internal();
    p.attachable = n.attachable();
    p.enableIPv6 = n.enableIpv6();
    p.labels = new TreeMap<>(orEmpty(n.labels()));
    if (n.ipam() != null) {
      p.ipamDriver = n.ipam().driver();
      p.ipamOptions = new TreeMap<>(orEmpty(n.ipam().options()));
      p.pools = new ArrayList<>();
      for (IpamPool pool : n.ipam().pools() == null ? List.<IpamPool>of() : n.ipam().pools()) {
        JournaledNetwork.Pool jp = new JournaledNetwork.Pool();
        jp.subnet = pool.subnet();
        jp.gateway = pool.gateway();
        jp.ipRange = pool.ipRange();
        jp.auxAddresses =
            pool.auxAddresses() == null || pool.auxAddresses().isEmpty()
                ? null
                : new TreeMap<>(pool.auxAddresses());
        p.pools.add(jp);
      }
    }
    return p;
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
