package io.dockernet.operator.docker;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one port to a node's Docker daemon. Everything the operator knows about Docker goes through
 * this interface, in the project's own types; exactly one production class ({@link
 * DockerJavaGateway}) talks to docker-java, and tests use an in-memory fake.
 *
 * <p>Errors: every method throws {@link DockerException} subclasses only. {@link
 * DockerNotFoundException} when the named object does not exist, {@link DockerConflictException}
 * for HTTP 409 (name taken, endpoint already exists, address in use), {@link
 * DockerRejectedException} for any other refusal the daemon explains (HTTP 400/403/500 with a
 * message: pool overlap, unsupported driver, ...), {@link DockerUnavailableException} when the
 * daemon cannot be reached or times out (transient: retry with backoff). Engine 20.10 answers some
 * conflicts with 403 ("Address already in use", "endpoint with name ... already exists", "network
 * ... has active endpoints") and "not connected to network" with 500; implementations still throw a
 * conflict, respectively a not-found, for those.
 *
 * <p>Values: a string Docker reports as empty ({@code ""}) is {@code null}; a list or map Docker
 * leaves out is empty, never {@code null}.
 */
public interface DockerGateway {

  /** Version facts of the daemon, e.g. for logging and the readiness probe. */
  DaemonInfo daemonInfo();

  /**
   * The daemon's Engine and the API version every call is made in: the highest both sides speak,
   * never below the daemon's minimum. Negotiated before the first call and again after the daemon
   * may have restarted (see the implementation), so it follows an Engine upgraded in place.
   *
   * @throws EngineUnsupportedException the Engine speaks no API version this operator speaks (every
   *     other method throws it too, before sending anything)
   * @throws DockerUnavailableException the daemon cannot be reached
   */
  Engine engine();

  /**
   * The Engine as last negotiated, without asking the daemon (for reports written while it is
   * down); empty before the first negotiation. An unsupported Engine is known too.
   */
  Optional<Engine> knownEngine();

  /**
   * Inspects a network by exact name or full ID. Unlike Docker's own lookup, an ID prefix or a name
   * that merely contains {@code nameOrId} never matches.
   *
   * @return empty when no network has that name or ID (a name that matches only an ID prefix is not
   *     a match)
   */
  Optional<NetworkInfo> findNetwork(String nameOrId);

  /**
   * Lists networks carrying every given label (key → value); an empty map lists all networks. The
   * returned infos include their endpoints.
   */
  List<NetworkInfo> listNetworks(Map<String, String> labels);

  /**
   * Every network and every container's endpoints, from one list call each (no inspects): what the
   * periodic drift check compares with the reports, at a cost that does not grow with the number of
   * objects.
   */
  Overview overview();

  /**
   * An overview that passes may share while the daemon is quiet ({@link SharedReads}): empty when
   * none can be vouched for as the daemon's present state (no event stream, or a change since it
   * was taken). This one shares none.
   */
  default Optional<Overview> quietOverview() {
    return Optional.empty();
  }

  /**
   * Creates a network exactly as requested, including fields docker-java's model lacks (IPAM aux
   * addresses and options). A name already taken is a {@link DockerConflictException} (Docker would
   * otherwise create a second network of the same name); a pool overlapping another network's is a
   * {@link DockerRejectedException}. Without pools, Docker picks a subnet from its default address
   * pools and reports gateway {@code .1}; with a subnet but no gateway, inspect reports the gateway
   * as {@code null}, yet the bridge driver still reserves the first address.
   *
   * @return the new network's ID
   */
  String createNetwork(NetworkRequest request);

  /** Removes a network; throws {@link DockerNotFoundException} if it is already gone. */
  void removeNetwork(String networkId);

  /**
   * Inspects a container by name or ID.
   *
   * @return empty when there is no such container
   */
  Optional<ContainerInfo> findContainer(String nameOrId);

  /**
   * Connects a container to a network with exactly the given endpoint settings (static addresses,
   * aliases, links, MAC address, driver options, link-local IPs).
   *
   * <p>Engine quirks: the MAC address is sent but ignored on connect by every Engine before API
   * 1.54 (Engine 29.3): 20.10 and 26.1 give the endpoint {@code 02:42:} followed by its IPv4
   * address bytes, 28 a random one; so compare with {@link #findContainer} afterwards. A container
   * whose network mode is {@code none}, {@code host} or {@code container:...} cannot be connected
   * ({@link DockerRejectedException}). A container that is not running is connected without any
   * check: its static address is validated, and may fail, only when it starts.
   */
  void connect(String networkId, String containerId, EndpointRequest endpoint);

  /** Disconnects a container from a network; {@code force} also removes a stale endpoint. */
  void disconnect(String networkId, String containerId, boolean force);

  /**
   * Follows the daemon's event stream (network and container events) until the returned handle is
   * closed. The gateway does not reconnect by itself: when the stream ends or fails, {@link
   * DockerEventListener#onStreamClosed} is called once, with a non-null {@link
   * DockerUnavailableException}, and the caller decides when to subscribe again (and must re-list,
   * because events were missed meanwhile). Closing the handle stops the stream without calling
   * {@code onStreamClosed}. Events from the moment of this call on are delivered even if the stream
   * takes a while to open; a few from just before may be delivered too. {@link
   * DockerEventListener#onStreamOpened} is called once the daemon has answered the request (this
   * call returns before that): only from then on is the stream known to be open.
   */
  AutoCloseable subscribe(DockerEventListener listener);

  /** The first 12 characters of a Docker ID, as the CLI shows it (and Engine 20.10 as an alias). */
  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** Daemon identity and versions. */
  record DaemonInfo(String id, String name, String version, String apiVersion) {}

  /**
   * What to create. Null/empty fields are left to Docker's defaults.
   *
   * @param enableIpv4 false for an IPv6-only network (Engine 28+, API 1.48); null: Docker's default
   *     (IPv4 on)
   */
  record NetworkRequest(
      String name,
      String driver,
      Map<String, String> options,
      Ipam ipam,
      boolean internal,
      boolean attachable,
      boolean enableIpv6,
      Map<String, String> labels,
      Boolean enableIpv4) {

    /** A request leaving IPv4 to Docker's default (on). */
    public NetworkRequest(
        String name,
        String driver,
        Map<String, String> options,
        Ipam ipam,
        boolean internal,
        boolean attachable,
        boolean enableIpv6,
        Map<String, String> labels) {
      this(name, driver, options, ipam, internal, attachable, enableIpv6, labels, null);
    }
  }

  /** IPAM settings of a network, as requested or as inspected. */
  record Ipam(String driver, Map<String, String> options, List<IpamPool> pools) {}

  /** One address pool. Null fields are unset. */
  record IpamPool(
      String subnet, String gateway, String ipRange, Map<String, String> auxAddresses) {}

  /**
   * A network as the daemon reports it, with the endpoints currently on it.
   *
   * @param enableIpv4 false for an IPv6-only network; true when the Engine does not say (before
   *     Engine 28 every network has IPv4)
   */
  record NetworkInfo(
      String id,
      String name,
      String driver,
      Map<String, String> options,
      Ipam ipam,
      boolean internal,
      boolean attachable,
      boolean enableIpv6,
      Map<String, String> labels,
      List<NetworkEndpoint> endpoints,
      boolean enableIpv4) {

    /** A network with IPv4 (every network before Engine 28). */
    public NetworkInfo(
        String id,
        String name,
        String driver,
        Map<String, String> options,
        Ipam ipam,
        boolean internal,
        boolean attachable,
        boolean enableIpv6,
        Map<String, String> labels,
        List<NetworkEndpoint> endpoints) {
      this(
          id,
          name,
          driver,
          options,
          ipam,
          internal,
          attachable,
          enableIpv6,
          labels,
          endpoints,
          true);
    }

    /** The first 12 characters of the ID, as {@code docker network ls} shows it. */
    public String shortId() {
      return DockerGateway.shortId(id);
    }

    /**
     * The Linux bridge behind a bridge network: the name its options give, else Docker's {@code
     * br-<short ID>}; null for other drivers.
     */
    public String bridge() {
      if (!"bridge".equals(driver)) {
        return null;
      }
      String named = options == null ? null : options.get("com.docker.network.bridge.name");
      return named != null ? named : "br-" + shortId();
    }
  }

  /** An endpoint as listed by network inspect (addresses in CIDR form, as Docker reports them). */
  record NetworkEndpoint(
      String containerId,
      String containerName,
      String endpointId,
      String macAddress,
      String ipv4Cidr,
      String ipv6Cidr) {}

  /** A container and its attachments. */
  record ContainerInfo(
      String id,
      String name,
      boolean running,
      int pid,
      String networkMode,
      Map<String, String> labels,
      Map<String, ContainerEndpoint> networks,
      List<PublishedPort> ports) {

    /** The first 12 characters of the ID, as {@code docker ps} shows it. */
    public String shortId() {
      return DockerGateway.shortId(id);
    }
  }

  /**
   * A container's endpoint on one network, from container inspect: what was configured (for
   * restoring it exactly) and what was assigned. {@code aliases} leaves out the container's short
   * ID, which Engine 20.10 adds by itself on user-defined networks. While the container is not
   * running, Docker keeps the configured fields but reports no endpoint ID, addresses or MAC
   * address ({@code null}); a never-started container's {@code networkId} is {@code null} too.
   */
  record ContainerEndpoint(
      String networkId,
      String endpointId,
      String configuredIpv4,
      String configuredIpv6,
      List<String> linkLocalIps,
      List<String> aliases,
      List<String> links,
      Map<String, String> driverOpts,
      String macAddress,
      String ipv4Address,
      int ipv4PrefixLength,
      String ipv6Address,
      int ipv6PrefixLength,
      String gateway,
      String ipv6Gateway) {}

  /** A published port, e.g. 0.0.0.0:43000 → 80/tcp. */
  record PublishedPort(int containerPort, String protocol, String hostIp, Integer hostPort) {}

  /** Endpoint settings for connect. Null/empty fields are left to Docker. */
  record EndpointRequest(
      String ipv4Address,
      String ipv6Address,
      List<String> linkLocalIps,
      List<String> aliases,
      List<String> links,
      String macAddress,
      Map<String, String> driverOpts) {}
}
