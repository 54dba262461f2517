package io.dockernet.operator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Info;
import io.dockernet.operator.docker.Overview.ListedContainer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link DockerGateway}: the only class that talks to docker-java.
 *
 * <p>Speaks the highest Engine API version both sides know ({@link NegotiatedRequests});
 * docker-java's commands, the raw calls and the event stream ({@link DockerEventStreams}) all use
 * the negotiated version. Every call goes through {@link DockerCalls}: deadline, metrics, one error
 * mapping. Network create, connect and inspect and container inspect go through docker-java's raw
 * HTTP client with {@link DockerJson}, because docker-java's model drops IPAM aux addresses and
 * options, endpoint driver options and EnableIPv4; the rest uses docker-java's commands.
 */
public final class DockerJavaGateway implements DockerGateway, AutoCloseable {

  /** Timer of every Docker call, tagged {@code operation} and {@code outcome}. */
  public static final String CALL_TIMER = "dockernet.docker.api.call";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

  /** Calls at once unless told otherwise (the agent passes its number of reconcile threads). */
  public static final int DEFAULT_CALL_THREADS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(DockerJavaGateway.class);

  private final NegotiatedRequests requests;
  private final DockerCalls calls;
  private final DockerEventStreams events;

  private DockerJavaGateway(
      DockerClientFactory clients, MeterRegistry registry, Duration deadline, int callThreads) {
    this.requests = new NegotiatedRequests(clients::requests);
    this.calls = new DockerCalls(requests, registry, deadline, callThreads);
    this.events = new DockerEventStreams(clients::events);
  }

  /** A gateway to the daemon at {@code dockerHost}, e.g. {@code unix:///var/run/docker.sock}. */
  public static DockerJavaGateway create(URI dockerHost, MeterRegistry registry) {
    return create(
        dockerHost,
        registry,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_RESPONSE_TIMEOUT,
        DEFAULT_CALL_THREADS);
  }

  /**
   * As {@link #create(URI, MeterRegistry)}, with explicit timeouts for ordinary requests and at
   * most {@code callThreads} calls at once.
   */
  public static DockerJavaGateway create(
      URI dockerHost,
      MeterRegistry registry,
      Duration connectTimeout,
      Duration responseTimeout,
      int callThreads) {
    return new DockerJavaGateway(
        new DockerClientFactory(dockerHost, connectTimeout, responseTimeout),
        registry,
        connectTimeout.plus(responseTimeout),
        callThreads);
  }

  @Override
  public Engine engine() {
    // Asked on every pass: only a real request to the daemon is a timed call.
    return requests.settled().orElseGet(() -> calls.call("negotiate", requests::negotiated));
  }

  @Override
  public Optional<Engine> knownEngine() {
    return requests.known();
  }

  @Override
  public DaemonInfo daemonInfo() {
    return calls.call(
        "daemonInfo",
        () -> {
          Info info = requests.client().infoCmd().exec();
          Engine engine = requests.known().orElseThrow();
          return new DaemonInfo(
              info.getId(), info.getName(), engine.version(), engine.api().toString());
        });
  }

  @Override
  public Optional<NetworkInfo> findNetwork(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      return Optional.empty(); // GET /networks/ would list every network instead
    }
    try {
      return calls.call("findNetwork", () -> inspectExactNetwork(nameOrId));
    } catch (DockerNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Docker resolves a full ID first, then an exact name, then an ID prefix. A prefix match is not
   * what the caller asked for; neither is an "ambiguous prefix" error, but "ambiguous name"
   * (several networks with that exact name) is worth telling.
   */
  private Optional<NetworkInfo> inspectExactNetwork(String nameOrId) {
    JsonNode json;
    try {
      json = requests.raw().get("/networks/" + DockerRawApi.segment(nameOrId));
    } catch (DockerRejectedException ambiguous) {
      boolean nameIsAmbiguous =
          networkSummaries(Map.of()).stream()
              .anyMatch(n -> nameOrId.equals(DockerJson.text(n, "Name")));
      if (nameIsAmbiguous) {
        throw ambiguous;
      }
      return Optional.empty();
    }
    NetworkInfo network = DockerJson.networkInfo(json);
    boolean exact = nameOrId.equals(network.id()) || nameOrId.equals(network.name());
    return exact ? Optional.of(network) : Optional.empty();
  }

  @Override
  public List<NetworkInfo> listNetworks(Map<String, String> labels) {
    return calls.call(
        "listNetworks",
        () -> {
          List<NetworkInfo> networks = new ArrayList<>();
          // The list endpoint leaves "Containers" empty; only inspect reports endpoints.
          for (JsonNode summary : networkSummaries(labels)) {
            try {
              networks.add(
                  DockerJson.networkInfo(
                      requests.raw().get("/networks/" + DockerJson.text(summary, "Id"))));
            } catch (DockerNotFoundException removedMeanwhile) {
              // Gone between list and inspect: it is not there any more, which is the truth.
            }
          }
          networks.sort(Comparator.comparing(NetworkInfo::name));
          return List.copyOf(networks);
        });
  }

  @Override
  public Overview overview() {
    return calls.call(
        "overview",
        () -> {
          Map<String, String> networkIds = new HashMap<>();
          for (JsonNode summary : networkSummaries(null)) {
            networkIds.put(DockerJson.text(summary, "Name"), DockerJson.text(summary, "Id"));
          }
          Map<String, ListedContainer> containers = new HashMap<>();
          for (JsonNode container : requests.raw().get("/containers/json?all=1")) {
            ListedContainer listed = DockerJson.listedContainer(container);
            containers.put(listed.id(), listed);
          }
          return new Overview(networkIds, containers);
        });
  }

  private List<JsonNode> networkSummaries(Map<String, String> labels) {
    StringBuilder path = new StringBuilder("/networks");
    if (labels != null && !labels.isEmpty()) {
      var filters = DockerJson.MAPPER.createObjectNode();
      var labelFilter = filters.putArray("label");
      labels.forEach((key, value) -> labelFilter.add(key + "=" + value));
      path.append("?filters=").append(DockerRawApi.query(filters.toString()));
    }
    List<JsonNode> summaries = new ArrayList<>();
    requests.raw().get(path.toString()).forEach(summaries::add);
    return summaries;
  }

  @Override
  public String createNetwork(NetworkRequest request) {
    return calls.call(
        "createNetwork",
        () -> {
          JsonNode created;
          try {
            created =
                requests.raw().post("/networks/create", DockerJson.networkCreateBody(request));
          } catch (DockerNotFoundException e) {
            // Create has nothing to find but the driver: "plugin "x" not found" is a refusal.
            throw new DockerRejectedException(e.getMessage(), e);
          }
          String warning = DockerJson.text(created, "Warning");
          if (warning != null) {
            LOG.warn("Docker created network {} with a warning: {}", request.name(), warning);
          }
          return DockerJson.text(created, "Id");
        });
  }

  @Override
  public void removeNetwork(String networkId) {
    calls.run("removeNetwork", () -> requests.client().removeNetworkCmd(networkId).exec());
  }

  @Override
  public Optional<ContainerInfo> findContainer(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      return Optional.empty();
    }
    try {
      return calls.call(
          "findContainer",
          () ->
              Optional.of(
                  DockerJson.containerInfo(
                      requests
                          .raw()
                          .get("/containers/" + DockerRawApi.segment(nameOrId) + "/json"))));
    } catch (DockerNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void connect(String networkId, String containerId, EndpointRequest endpoint) {
    calls.run(
        "connect",
        () ->
            requests
                .raw()
                .post(
                    "/networks/" + DockerRawApi.segment(networkId) + "/connect",
                    DockerJson.connectBody(containerId, endpoint)));
  }

  @Override
  public void disconnect(String networkId, String containerId, boolean force) {
    calls.run(
        "disconnect",
        () ->
            requests
                .client()
                .disconnectFromNetworkCmd()
                .withNetworkId(networkId)
                .withContainerId(containerId)
                .withForce(force)
                .exec());
  }

  /**
   * A new stream follows a lost one, and a daemon restart (an upgrade, maybe) always loses the
   * stream: so the version is negotiated again first, and the stream opened in it.
   */
  @Override
  public AutoCloseable subscribe(DockerEventListener listener) {
    requests.renegotiate();
    ApiVersion version;
    try {
      version = engine().api();
    } catch (DockerUnavailableException e) {
      // As for a stream that failed to open: the contract reports it through the listener.
      listener.onStreamClosed(e);
      return () -> {};
    }
    return events.open(version, listener);
  }

  /** Closes both docker-java clients; open subscriptions end without notice. */
  @Override
  public void close() {
    calls.close();
    requests.close();
    events.close();
  }
}
