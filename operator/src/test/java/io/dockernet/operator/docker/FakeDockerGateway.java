package io.dockernet.operator.docker;

import io.dockernet.operator.docker.Overview.ListedContainer;
import io.dockernet.operator.docker.Overview.ListedEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory Docker daemon behind the {@link DockerGateway} contract, behaving like Engine 20.10
 * wherever reconcile logic can tell: IDs, name and ID lookups, automatic pools from the test bed's
 * default address pool, pool overlap, duplicate and predefined names, static address checks, the
 * MAC address ignored on connect, stopped containers, and the same error types and messages {@link
 * DockerJavaGateway} produces. {@link DockerGatewayContract} holds both to the same behaviour.
 *
 * <p>Events reach subscribers synchronously, on the thread that caused them. Tests shape the daemon
 * with {@link #addContainer}, {@link #stopContainer}, {@link #startContainer}, {@link
 * #removeContainer}, {@link #setAvailable} and {@link #failNext}, and read {@link #writeCount()}.
 * IPv4 only: IPv6 pools are stored and reported but no address is ever allocated from them.
 */
public final class FakeDockerGateway implements DockerGateway {

  private static final Set<String> DRIVERS = Set.of("bridge", "macvlan", "ipvlan");

  /** Names Docker refuses to create a network under, whether or not such a network exists. */
  private static final Set<String> PREDEFINED = Set.of("bridge", "host", "none", "default");

  private static final Set<String> WRITE_OPERATIONS =
      Set.of("createNetwork", "removeNetwork", "connect", "disconnect");

  private final Random ids = new Random(20_10);
  private final Map<String, FakeNetwork> networks = new LinkedHashMap<>();
  private final Map<String, FakeContainer> containers = new LinkedHashMap<>();
  private final List<FakeSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Map<String, List<DockerException>> failures = new HashMap<>();
  private final Map<String, Integer> writes = new HashMap<>();
  private final Map<String, Integer> reads = new HashMap<>();
  private boolean available = true;
  private boolean answerStreams = true;
  private int subscribeCalls;
  private final List<FakeSubscription> unanswered = new ArrayList<>();
  private Engine engine = Engine.negotiate("20.10.24+fake", "1.41", "1.12");
  private int nextPid = 1000;

  public FakeDockerGateway() {
    addPredefined("bridge", "bridge", "172.17.0.0/16", "172.17.0.1");
    addPredefined("host", "host", null, null);
    addPredefined("none", "null", null, null);
  }

  /** A request for a plain bridge network with one IPv4 pool: no options, no labels. */
  public static NetworkRequest bridge(String name, String subnet) {
    return new NetworkRequest(
        name,
        "bridge",
        Map.of(),
        new Ipam(null, Map.of(), List.of(new IpamPool(subnet, null, null, null))),
        false,
        false,
        false,
        Map.of());
  }

  // ---- the contract ----

  @Override
  public synchronized DaemonInfo daemonInfo() {
    enter("daemonInfo");
    return new DaemonInfo("FAKE:DAEMON", "fake-node", "20.10.24+fake", "1.41");
  }

  @Override
  public synchronized Engine engine() {
    enter("engine");
    return engine;
  }

  @Override
  public synchronized Optional<Engine> knownEngine() {
    return Optional.of(engine);
  }

  /**
   * Makes the fake answer as this Engine (default 20.10, API 1.41): an unsupported one makes every
   * call throw its {@link EngineUnsupportedException}, as the real gateway does. The fake's
   * behaviour is still 20.10's otherwise.
   */
  public synchronized void setEngine(Engine engine) {
    this.engine = engine;
  }

  @Override
  public synchronized Optional<NetworkInfo> findNetwork(String nameOrId) {
    enter("findNetwork");
    reads.merge("findNetwork " + nameOrId, 1, Integer::sum);
    return networks.values().stream()
        .filter(n -> n.id.equals(nameOrId) || n.name.equals(nameOrId))
        .findFirst()
        .map(this::info);
  }

  @Override
  public synchronized List<NetworkInfo> listNetworks(Map<String, String> labels) {
    enter("listNetworks");
    Map<String, String> wanted = orEmpty(labels);
    return networks.values().stream()
        .filter(n -> n.labels.entrySet().containsAll(wanted.entrySet()))
        .map(this::info)
        .sorted(Comparator.comparing(NetworkInfo::name))
        .toList();
  }

  @Override
  public synchronized Overview overview() {
    enter("overview");
    reads.merge("overview", 1, Integer::sum);
    Map<String, String> networkIds = new HashMap<>();
    networks.values().forEach(n -> networkIds.put(n.name, n.id));
    Map<String, ListedContainer> listed = new HashMap<>();
    for (FakeContainer c : containers.values()) {
      Map<String, ListedEndpoint> endpoints = new HashMap<>();
      info(c)
          .networks()
          .forEach(
              (name, e) ->
                  endpoints.put(
                      name, new ListedEndpoint(e.networkId(), e.endpointId(), e.ipv4Address())));
      listed.put(c.id, new ListedContainer(c.id, c.name, endpoints));
    }
    return new Overview(networkIds, listed);
  }

  @Override
  public synchronized String createNetwork(NetworkRequest request) {
    enter("createNetwork");
    if (PREDEFINED.contains(request.name())) {
      // Checked before the duplicate name, with 403: a refusal, not a conflict.
      throw rejected("operation is not permitted on predefined " + request.name() + " network ");
    }
    if (request.name() == null || request.name().isBlank()) {
      throw rejected("network name must not be empty");
    }
    if (networks.values().stream().anyMatch(n -> n.name.equals(request.name()))) {
      throw new DockerConflictException(
          "network with name " + request.name() + " already exists", null);
    }
    String driver = request.driver() == null ? "bridge" : request.driver();
    if (!DRIVERS.contains(driver)) {
      throw rejected("plugin \"" + driver + "\" not found");
    }
    Ipam ipam = request.ipam() == null ? new Ipam(null, Map.of(), List.of()) : request.ipam();
    List<FakePool> pools = new ArrayList<>();
    for (IpamPool pool : orEmpty(ipam.pools())) {
      pools.add(requestedPool(pool, pools));
    }
    boolean userSubnets = !pools.isEmpty();
    if (!userSubnets) {
      pools.add(automaticPool());
    }
    FakeNetwork network = new FakeNetwork(newId(), request.name(), driver, userSubnets, false);
    network.options.putAll(orEmpty(request.options()));
    network.ipamDriver = ipam.driver() == null ? "default" : ipam.driver();
    network.ipamOptions.putAll(orEmpty(ipam.options()));
    network.pools.addAll(pools);
    network.internal = request.internal();
    network.attachable = request.attachable();
    network.enableIpv6 = request.enableIpv6();
    network.enableIpv4 = request.enableIpv4() == null || request.enableIpv4();
    network.labels.putAll(orEmpty(request.labels()));
    networks.put(network.id, network);
    publish(networkEvent("create", network, null));
    return network.id;
  }

  @Override
  public synchronized void removeNetwork(String networkId) {
    enter("removeNetwork");
    FakeNetwork network = resolveNetwork(networkId);
    if (network.predefined) {
      throw rejected(network.name + " is a pre-defined network and cannot be removed");
    }
    if (!network.active.isEmpty()) {
      throw new DockerConflictException(
          "error while removing network: network %s id %s has active endpoints"
              .formatted(network.name, network.id),
          null);
    }
    networks.remove(network.id);
    publish(networkEvent("destroy", network, null));
  }

  @Override
  public synchronized Optional<ContainerInfo> findContainer(String nameOrId) {
    enter("findContainer");
    reads.merge("findContainer " + nameOrId, 1, Integer::sum);
    if (nameOrId == null || nameOrId.isBlank()) {
      return Optional.empty(); // as the real gateway: "" would match every ID as a prefix
    }
    return lookupContainer(nameOrId).map(this::info);
  }

  @Override
  public synchronized void connect(String networkId, String containerId, EndpointRequest endpoint) {
    enter("connect");
    FakeNetwork network = resolveNetwork(networkId);
    FakeContainer container = resolveContainer(containerId);
    if (network.predefined && !network.name.equals("bridge")) {
      throw rejected(
          "container cannot be disconnected from host network or connected to host network");
    }
    checkCanJoinOtherNetworks(container);
    if (container.attachments.containsKey(network.name)) {
      throw new DockerConflictException(
          "endpoint with name %s already exists in network %s"
              .formatted(container.name, network.name),
          null);
    }
    EndpointRequest config = endpoint == null ? emptyEndpoint() : endpoint;
    FakeAttachment attachment = new FakeAttachment(network, config);
    if (container.running) {
      // Docker checks and allocates only for a running container; a stopped one fails at start.
      allocate(network, container, attachment);
    }
    container.attachments.put(network.name, attachment);
  }

  @Override
  public synchronized void disconnect(String networkId, String containerId, boolean force) {
    enter("disconnect");
    FakeNetwork network = resolveNetwork(networkId);
    FakeContainer container = resolveContainer(containerId);
    FakeAttachment attachment = container.attachments.get(network.name);
    if (attachment == null) {
      throw new DockerNotFoundException(
          "container %s is not connected to the network %s".formatted(container.id, network.name),
          null);
    }
    if (attachment.active()) {
      release(container, attachment);
    }
    container.attachments.remove(network.name);
  }

  @Override
  public synchronized AutoCloseable subscribe(DockerEventListener listener) {
    subscribeCalls++;
    FakeSubscription subscription = new FakeSubscription(listener);
    if (!available) {
      listener.onStreamClosed(new DockerUnavailableException("fake daemon is down", null));
      return () -> {};
    }
    subscriptions.add(subscription);
    if (answerStreams) {
      listener.onStreamOpened();
    } else {
      unanswered.add(subscription);
    }
    return subscription;
  }

  // ---- test controls ----

  /** Starts a container, attached as {@code networkMode} says ("default", "bridge", a network). */
  public synchronized String addContainer(String name, String networkMode) {
    return addContainer(name, networkMode, Map.of());
  }

  /** As {@link #addContainer(String, String)}, with container labels. */
  public synchronized String addContainer(
      String name, String networkMode, Map<String, String> labels) {
    if (lookupContainer(name).isPresent()) {
      throw new IllegalArgumentException("container name " + name + " is taken");
    }
    FakeContainer container = new FakeContainer(newId(), name, networkMode, labels);
    String initialNetwork = networkMode.equals("default") ? "bridge" : networkMode;
    if (!networkMode.startsWith("container:")) {
      FakeNetwork network =
          networks.values().stream()
              .filter(n -> n.name.equals(initialNetwork) || n.id.equals(initialNetwork))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("no network " + initialNetwork));
      container.attachments.put(network.name, new FakeAttachment(network, emptyEndpoint()));
    }
    containers.put(container.id, container);
    publish(containerEvent("create", container));
    startContainer(container.id);
    return container.id;
  }

  /** Stops a container: its endpoints go away, their configuration stays (like {@code stop}). */
  public synchronized void stopContainer(String nameOrId) {
    FakeContainer container = resolveContainer(nameOrId);
    if (!container.running) {
      return;
    }
    for (FakeAttachment attachment : container.attachments.values()) {
      if (attachment.active()) {
        release(container, attachment);
      }
    }
    container.running = false;
    container.pid = 0;
    publish(containerEvent("die", container));
  }

  /**
   * Starts a stopped container; fails with {@link IllegalStateException} like {@code docker start}
   * would, e.g. when its static address is taken meanwhile.
   */
  public synchronized void startContainer(String nameOrId) {
    FakeContainer container = resolveContainer(nameOrId);
    if (container.running) {
      return;
    }
    container.running = true;
    List<FakeAttachment> started = new ArrayList<>();
    try {
      for (FakeAttachment attachment : container.attachments.values()) {
        FakeNetwork network = networks.get(attachment.network.id);
        if (network == null) {
          throw new DockerNotFoundException(
              "network " + attachment.network.name + " not found", null);
        }
        allocate(network, container, attachment);
        started.add(attachment);
      }
    } catch (DockerException e) {
      started.forEach(a -> release(container, a));
      container.running = false;
      throw new IllegalStateException("failed to start container " + container.name, e);
    }
    container.pid = nextPid++;
    publish(containerEvent("start", container));
  }

  /** Removes a container, stopping it first. */
  public synchronized void removeContainer(String nameOrId) {
    FakeContainer container = resolveContainer(nameOrId);
    stopContainer(container.id);
    containers.remove(container.id);
    publish(containerEvent("destroy", container));
  }

  /**
   * Takes the daemon down (every call throws {@link DockerUnavailableException}, open streams
   * close) or brings it back.
   */
  public synchronized void setAvailable(boolean available) {
    this.available = available;
    if (!available) {
      for (FakeSubscription subscription : subscriptions) {
        subscriptions.remove(subscription);
        subscription.listener.onStreamClosed(
            new DockerUnavailableException("fake daemon went down", null));
      }
    }
  }

  /**
   * While off, new event streams deliver events but the daemon has not answered them yet (a slow or
   * hung daemon): {@code onStreamOpened} waits until this is turned on again.
   */
  public synchronized void answerStreams(boolean answer) {
    this.answerStreams = answer;
    if (answer) {
      for (FakeSubscription subscription : unanswered) {
        if (subscriptions.contains(subscription)) {
          subscription.listener.onStreamOpened();
        }
      }
      unanswered.clear();
    }
  }

  /** Open streams the daemon has not answered yet (see {@link #answerStreams}). */
  public synchronized int unansweredStreams() {
    return (int) unanswered.stream().filter(subscriptions::contains).count();
  }

  /** Calls of subscribe so far, answered or not. */
  public synchronized int subscribeCalls() {
    return subscribeCalls;
  }

  /** Makes the next call of {@code operation} (a gateway method name) throw {@code error}. */
  public synchronized void failNext(String operation, DockerException error) {
    failures.computeIfAbsent(operation, k -> new ArrayList<>()).add(error);
  }

  /** Delivers an arbitrary event to the subscribers, e.g. one this fake never produces. */
  public synchronized void publish(DockerEvent event) {
    for (FakeSubscription subscription : subscriptions) {
      subscription.listener.onEvent(event);
    }
  }

  /** Calls of createNetwork, removeNetwork, connect and disconnect so far, failed ones included. */
  public synchronized int writeCount() {
    return writes.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Calls of one write operation so far, failed ones included. */
  public synchronized int writeCount(String operation) {
    return writes.getOrDefault(operation, 0);
  }

  /** Calls of findNetwork or findContainer with this argument so far. */
  public synchronized int readCount(String operation, String nameOrId) {
    return reads.getOrDefault(operation + " " + nameOrId, 0);
  }

  /** Overviews so far. */
  public synchronized int overviewCount() {
    return reads.getOrDefault("overview", 0);
  }

  /** Inspects of containers and networks so far, whatever their argument. */
  public synchronized int inspectCount() {
    return reads.entrySet().stream()
        .filter(e -> e.getKey().startsWith("find"))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }

  /** Forgets the writes so far, e.g. after a test's setup. */
  public synchronized void resetWriteCount() {
    writes.clear();
  }

  // ---- internals ----

  private void enter(String operation) {
    if (WRITE_OPERATIONS.contains(operation)) {
      writes.merge(operation, 1, Integer::sum);
    }
    if (!available) {
      throw new DockerUnavailableException("fake daemon is down during " + operation, null);
    }
    engine
        .refusal()
        .ifPresent(
            refusal -> {
              throw refusal;
            });
    List<DockerException> planned = failures.get(operation);
    if (planned != null && !planned.isEmpty()) {
      throw planned.remove(0);
    }
  }

  private void addPredefined(String name, String driver, String subnet, String gateway) {
    FakeNetwork network = new FakeNetwork(newId(), name, driver, false, true);
    network.ipamDriver = "default";
    if (subnet != null) {
      network.pools.add(new FakePool(Cidr.parse(subnet), gateway, Ipv4.parse(gateway), null, null));
    }
    networks.put(network.id, network);
  }

  private FakePool requestedPool(IpamPool pool, List<FakePool> sameRequest) {
    if (pool.subnet() == null) {
      throw rejected("invalid pool request: a subnet is required");
    }
    if (pool.subnet().contains(":")) {
      return new FakePool(null, pool.gateway(), -1, pool, null);
    }
    Cidr subnet = Cidr.parse(pool.subnet());
    if (allPools(sameRequest).anyMatch(p -> p.subnet != null && p.subnet.overlaps(subnet))) {
      throw rejected("Pool overlaps with other one on this address space");
    }
    int gateway = subnet.firstHost();
    if (pool.gateway() != null) {
      gateway = Ipv4.parse(pool.gateway());
      if (!subnet.contains(gateway)) {
        throw rejected(
            "failed to allocate gateway (%s): Requested address is out of range"
                .formatted(pool.gateway()));
      }
    }
    Cidr range = null;
    if (pool.ipRange() != null) {
      range = Cidr.parse(pool.ipRange());
      if (!subnet.contains(range.base) || range.prefix < subnet.prefix) {
        throw rejected("Invalid range " + pool.ipRange() + " outside subnet " + pool.subnet());
      }
    }
    for (String aux : orEmpty(pool.auxAddresses()).values()) {
      if (!subnet.contains(Ipv4.parse(aux))) {
        throw rejected("invalid auxiliary address " + aux + ": not in subnet " + pool.subnet());
      }
    }
    return new FakePool(subnet, pool.gateway(), gateway, pool, range);
  }

  /**
   * Docker's default address pool as the test bed configures it (hack/nodes.sh): 198.19.128.0/17 by
   * /24, the lowest free one first; 198.18.0.0/16 is left to tests that pick explicit subnets.
   */
  private FakePool automaticPool() {
    for (int third = 128; third < 256; third++) {
      Cidr candidate = Cidr.parse("198.19." + third + ".0/24");
      if (allPools(List.of()).noneMatch(p -> p.subnet != null && p.subnet.overlaps(candidate))) {
        int gateway = candidate.firstHost();
        return new FakePool(candidate, Ipv4.format(gateway), gateway, null, null);
      }
    }
    throw rejected("could not find an available, non-overlapping IPv4 address pool");
  }

  private java.util.stream.Stream<FakePool> allPools(List<FakePool> sameRequest) {
    return java.util.stream.Stream.concat(
        networks.values().stream().flatMap(n -> n.pools.stream()), sameRequest.stream());
  }

  private void allocate(FakeNetwork network, FakeContainer container, FakeAttachment attachment) {
    FakePool pool = network.pools.stream().filter(p -> p.subnet != null).findFirst().orElse(null);
    String requested = attachment.config.ipv4Address();
    int address;
    if (requested != null) {
      if (!network.userSubnets) {
        throw rejected(
            "user specified IP address is supported only when connecting to networks with user"
                + " configured subnets");
      }
      int ip = Ipv4.parse(requested);
      pool =
          network.pools.stream()
              .filter(p -> p.subnet != null && p.subnet.contains(ip))
              .findFirst()
              .orElseThrow(
                  () ->
                      rejected(
                          "Invalid address %s: It does not belong to any of this network's subnets"
                              .formatted(requested)));
      if (usedAddresses(network, pool).contains(ip)) {
        throw new DockerConflictException("Address already in use", null);
      }
      address = ip;
    } else if (pool != null) {
      address = firstFree(network, pool);
    } else {
      address = -1; // host and none: no address
    }
    attachment.endpointId = newId();
    attachment.everStarted = true;
    attachment.ipv4 = address;
    attachment.pool = pool;
    network.active.put(container.id, attachment);
    publish(networkEvent("connect", network, container.id));
  }

  private void release(FakeContainer container, FakeAttachment attachment) {
    FakeNetwork network = attachment.network;
    network.active.remove(container.id);
    attachment.endpointId = null;
    attachment.ipv4 = -1;
    attachment.pool = null;
    if (networks.containsKey(network.id)) {
      publish(networkEvent("disconnect", network, container.id));
    }
  }

  private int firstFree(FakeNetwork network, FakePool pool) {
    // Like Docker: the lowest free address of the range (which may start at its network address).
    Cidr range = pool.ipRange != null ? pool.ipRange : pool.subnet;
    Set<Integer> used = usedAddresses(network, pool);
    for (long ip = Integer.toUnsignedLong(range.base);
        ip <= Integer.toUnsignedLong(range.lastHost() + 1);
        ip++) {
      if (!used.contains((int) ip)) {
        return (int) ip;
      }
    }
    throw rejected("no available IPv4 addresses on this network's address pools");
  }

  private Set<Integer> usedAddresses(FakeNetwork network, FakePool pool) {
    Set<Integer> used = new TreeSet<>();
    used.add(pool.subnet.base);
    used.add(pool.subnet.lastHost() + 1); // broadcast
    used.add(pool.reservedGateway);
    if (pool.requested != null) {
      orEmpty(pool.requested.auxAddresses()).values().forEach(a -> used.add(Ipv4.parse(a)));
    }
    network.active.values().forEach(a -> used.add(a.ipv4));
    return used;
  }

  private void checkCanJoinOtherNetworks(FakeContainer container) {
    String mode = container.networkMode;
    if (mode.equals("none")) {
      throw rejected(
          "container cannot be connected to multiple networks with one of the networks in private"
              + " (none) mode");
    }
    if (mode.equals("host")) {
      throw rejected(
          "container cannot be disconnected from host network or connected to host network");
    }
    if (mode.startsWith("container:")) {
      throw rejected(
          "container sharing network namespace with another container or host cannot be connected"
              + " to any other network");
    }
  }

  /** Docker's own lookup for writes: full ID, then exact name, then a unique ID prefix. */
  private FakeNetwork resolveNetwork(String nameOrId) {
    List<FakeNetwork> all = List.copyOf(networks.values());
    return all.stream()
        .filter(n -> n.id.equals(nameOrId))
        .findFirst()
        .or(() -> all.stream().filter(n -> n.name.equals(nameOrId)).findFirst())
        .or(() -> uniquePrefix(all.stream().filter(n -> n.id.startsWith(nameOrId)).toList()))
        .orElseThrow(() -> new DockerNotFoundException("network " + nameOrId + " not found", null));
  }

  private FakeContainer resolveContainer(String nameOrId) {
    return lookupContainer(nameOrId)
        .orElseThrow(() -> new DockerNotFoundException("No such container: " + nameOrId, null));
  }

  private Optional<FakeContainer> lookupContainer(String nameOrId) {
    String name = nameOrId.startsWith("/") ? nameOrId.substring(1) : nameOrId;
    List<FakeContainer> all = List.copyOf(containers.values());
    return all.stream()
        .filter(c -> c.id.equals(nameOrId))
        .findFirst()
        .or(() -> all.stream().filter(c -> c.name.equals(name)).findFirst())
        .or(() -> uniquePrefix(all.stream().filter(c -> c.id.startsWith(nameOrId)).toList()));
  }

  private static <T> Optional<T> uniquePrefix(List<T> matches) {
    return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
  }

  private NetworkInfo info(FakeNetwork n) {
    List<NetworkEndpoint> endpoints = new ArrayList<>();
    n.active.forEach(
        (containerId, a) -> {
          FakeContainer c = containers.get(containerId);
          endpoints.add(
              new NetworkEndpoint(
                  containerId,
                  c.name,
                  a.endpointId,
                  a.mac(),
                  a.pool == null ? null : Ipv4.format(a.ipv4) + "/" + a.pool.subnet.prefix,
                  null));
        });
    endpoints.sort(Comparator.comparing(NetworkEndpoint::containerId));
    List<IpamPool> pools =
        n.pools.stream()
            .map(
                p ->
                    p.requested != null
                        ? new IpamPool(
                            p.requested.subnet(),
                            p.requested.gateway(),
                            p.requested.ipRange(),
                            Map.copyOf(orEmpty(p.requested.auxAddresses())))
                        : new IpamPool(p.subnet.toString(), p.reportedGateway, null, Map.of()))
            .toList();
    return new NetworkInfo(
        n.id,
        n.name,
        n.driver,
        Map.copyOf(n.options),
        new Ipam(n.ipamDriver, Map.copyOf(n.ipamOptions), pools),
        n.internal,
        n.attachable,
        n.enableIpv6,
        Map.copyOf(n.labels),
        List.copyOf(endpoints),
        n.enableIpv4);
  }

  private ContainerInfo info(FakeContainer c) {
    Map<String, ContainerEndpoint> endpoints = new LinkedHashMap<>();
    c.attachments.forEach(
        (networkName, a) -> {
          EndpointRequest config = a.config;
          boolean active = a.active();
          boolean hasAddress = active && a.pool != null;
          endpoints.put(
              networkName,
              new ContainerEndpoint(
                  a.everStarted ? a.network.id : null,
                  a.endpointId,
                  config.ipv4Address(),
                  config.ipv6Address(),
                  List.copyOf(orEmpty(config.linkLocalIps())),
                  List.copyOf(orEmpty(config.aliases())),
                  List.copyOf(orEmpty(config.links())),
                  Map.copyOf(orEmpty(config.driverOpts())),
                  active ? a.mac() : null,
                  hasAddress ? Ipv4.format(a.ipv4) : null,
                  hasAddress ? a.pool.subnet.prefix : 0,
                  null,
                  0,
                  // Unlike network inspect, container inspect reports the reserved gateway.
                  hasAddress ? Ipv4.format(a.pool.reservedGateway) : null,
                  null));
        });
    return new ContainerInfo(
        c.id,
        c.name,
        c.running,
        c.pid,
        c.networkMode,
        Map.copyOf(c.labels),
        Map.copyOf(endpoints),
        List.of());
  }

  private DockerEvent networkEvent(String action, FakeNetwork network, String containerId) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("name", network.name);
    attributes.put("type", network.driver);
    if (containerId != null) {
      attributes.put("container", containerId);
    }
    return new DockerEvent("network", action, network.id, Map.copyOf(attributes));
  }

  /** Like Docker's: the container's labels, then its image and name. */
  private static DockerEvent containerEvent(String action, FakeContainer container) {
    Map<String, String> attributes = new HashMap<>(container.labels);
    attributes.put("image", "dockernet/busybox:latest");
    attributes.put("name", container.name);
    return new DockerEvent("container", action, container.id, Map.copyOf(attributes));
  }

  private String newId() {
    StringBuilder id = new StringBuilder(64);
    while (id.length() < 64) {
      id.append(String.format("%016x", ids.nextLong()));
    }
    return id.toString();
  }

  private static EndpointRequest emptyEndpoint() {
    return new EndpointRequest(null, null, List.of(), List.of(), List.of(), null, Map.of());
  }

  private static DockerRejectedException rejected(String message) {
    return new DockerRejectedException(message, null);
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private final class FakeSubscription implements AutoCloseable {
    final DockerEventListener listener;

    FakeSubscription(DockerEventListener listener) {
      this.listener = listener;
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  private static final class FakeNetwork {
    final String id;
    final String name;
    final String driver;
    final boolean userSubnets;
    final boolean predefined;
    final Map<String, String> options = new LinkedHashMap<>();
    final Map<String, String> ipamOptions = new LinkedHashMap<>();
    final List<FakePool> pools = new ArrayList<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    final Map<String, FakeAttachment> active = new LinkedHashMap<>();
    String ipamDriver;
    boolean internal;
    boolean attachable;
    boolean enableIpv6;
    boolean enableIpv4 = true;

    FakeNetwork(String id, String name, String driver, boolean userSubnets, boolean predefined) {
      this.id = id;
      this.name = name;
      this.driver = driver;
      this.userSubnets = userSubnets;
      this.predefined = predefined;
    }
  }

  /** One pool: what was asked for (reported back verbatim) and what Docker reserves. */
  private record FakePool(
      Cidr subnet, String reportedGateway, int reservedGateway, IpamPool requested, Cidr ipRange) {}

  private static final class FakeContainer {
    final String id;
    final String name;
    final String networkMode;
    final Map<String, String> labels;
    final Map<String, FakeAttachment> attachments = new LinkedHashMap<>();
    boolean running;
    int pid;

    FakeContainer(String id, String name, String networkMode, Map<String, String> labels) {
      this.id = id;
      this.name = name;
      this.networkMode = networkMode;
      this.labels = Map.copyOf(labels);
    }
  }

  /** A container's configured endpoint on one network, with an address while it runs. */
  private static final class FakeAttachment {
    final FakeNetwork network;
    final EndpointRequest config;
    String endpointId;
    int ipv4 = -1;
    FakePool pool;
    boolean everStarted;

    FakeAttachment(FakeNetwork network, EndpointRequest config) {
      this.network = network;
      this.config = config;
    }

    boolean active() {
      return endpointId != null;
    }

    /** Engine 20.10 ignores the requested MAC on connect and derives one from the address. */
    String mac() {
      if (pool == null) {
        return null;
      }
      return String.format(
          "02:42:%02x:%02x:%02x:%02x",
          (ipv4 >>> 24) & 0xff, (ipv4 >>> 16) & 0xff, (ipv4 >>> 8) & 0xff, ipv4 & 0xff);
    }
  }

  /** IPv4 addresses as ints. */
  private static final class Ipv4 {
    static int parse(String address) {
      String[] parts = address.split("\\.");
      if (parts.length != 4) {
        throw rejected("invalid IPv4 address: " + address);
      }
      int value = 0;
      for (String part : parts) {
        int octet;
        try {
          octet = Integer.parseInt(part);
        } catch (NumberFormatException e) {
          throw rejected("invalid IPv4 address: " + address);
        }
        if (octet < 0 || octet > 255) {
          throw rejected("invalid IPv4 address: " + address);
        }
        value = (value << 8) | octet;
      }
      return value;
    }

    static String format(int address) {
      return ((address >>> 24) & 0xff)
          + "."
          + ((address >>> 16) & 0xff)
          + "."
          + ((address >>> 8) & 0xff)
          + "."
          + (address & 0xff);
    }
  }

  /** An IPv4 prefix. */
  private record Cidr(int base, int prefix) {
    static Cidr parse(String cidr) {
      String[] parts = cidr.split("/");
      if (parts.length != 2) {
        throw rejected("invalid CIDR address: " + cidr);
      }
      int prefix;
      try {
        prefix = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw rejected("invalid CIDR address: " + cidr);
      }
      if (prefix < 0 || prefix > 32) {
        throw rejected("invalid CIDR address: " + cidr);
      }
      return new Cidr(Ipv4.parse(parts[0]) & mask(prefix), prefix);
    }

    static int mask(int prefix) {
      return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    boolean contains(int address) {
      return (address & mask(prefix)) == base;
    }

    boolean overlaps(Cidr other) {
      return contains(other.base) || other.contains(base);
    }

    int firstHost() {
      return base + 1;
    }

    int lastHost() {
      return (base | ~mask(prefix)) - 1;
    }

    @Override
    public String toString() {
      return Ipv4.format(base) + "/" + prefix;
    }
  }
}
