package io.dockernet.operator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.dockernet.operator.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link DockerGateway}: the only class that talks to docker-java.
 *
 * <p>Speaks the highest Engine API version both sides know ({@link Engine#negotiate}), asked of the
 * daemon before the first call and again whenever the daemon may have been restarted (a new event
 * stream, a broken connection, or a daemon refusing the version in use): an Engine upgraded in
 * place is common, and Engine 29.0 to 29.2 refuse the 1.41 that Engine 20.10 needs. docker-java's
 * commands, the raw calls and the event stream all use the negotiated version. Network create,
 * connect and inspect and container inspect go through docker-java's raw HTTP client with {@link
 * DockerJson}, because docker-java's model drops IPAM aux addresses and options, endpoint driver
 * options and EnableIPv4; the rest uses docker-java's commands.
 */
public final class DockerJavaGateway implements DockerGateway, AutoCloseable {

  /** Timer of every Docker call, tagged {@code operation} and {@code outcome}. */
  public static final String CALL_TIMER = "dockernet.docker.api.call";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

  /** Calls at once unless told otherwise (the agent passes its number of reconcile threads). */
  public static final int DEFAULT_CALL_THREADS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(DockerJavaGateway.class);

  /** "client version 1.41 is too old. Minimum supported API version is 1.44, ..." (or too new). */
  private static final Pattern VERSION_REFUSED =
      Pattern.compile("client version \\S+ is too (old|new)");

  /** The request side: a docker-java client and the raw API over the same HTTP client. */
  private record Requests(DockerClient client, DockerRawApi raw) {}

  private final Function<ApiVersion, Requests> newRequests;
  private final Function<ApiVersion, DockerClient> newEvents;
  private volatile Requests requests;
  private volatile long renewedAtNanos;
  private volatile Engine engine;
  private volatile boolean renegotiate = true;
  private DockerClient events;
  private ApiVersion eventsVersion;
  private final MeterRegistry registry;
  private final Duration deadline;
  private final ThreadPoolExecutor callers;

  private DockerJavaGateway(
      Function<ApiVersion, Requests> newRequests,
      Function<ApiVersion, DockerClient> newEvents,
      MeterRegistry registry,
      Duration deadline,
      int callThreads) {
    this.newRequests = newRequests;
    // Until the daemon is asked, the oldest version: only the unversioned GET /version is sent.
    this.requests = newRequests.apply(Engine.OLDEST_API);
    this.newEvents = newEvents;
    this.registry = registry;
    this.deadline = deadline;
    // Bounded: the callers are reconcile threads, as many as this pool. A call that waits for a
    // thread spends its own deadline waiting. A call past its deadline is interrupted and its
    // client replaced, either of which frees its thread even from a hung daemon (withDeadline,
    // renewRequests), so hung calls do not use the pool up.
    this.callers =
        new ThreadPoolExecutor(
            callThreads,
            callThreads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            DaemonThreads.named("docker-call"));
    callers.allowCoreThreadTimeOut(true);
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
    Function<ApiVersion, Requests> requests =
        version -> {
          DockerHttpClient http =
              new ZerodepDockerHttpClient.Builder()
                  .dockerHost(dockerHost)
                  .connectionTimeout(connectTimeout)
                  .responseTimeout(responseTimeout)
                  .build();
          return new Requests(
              DockerClientImpl.getInstance(config(dockerHost, version), http),
              new DockerRawApi(http, version.toString()));
        };
    // The event stream is silent for as long as nothing happens: a response timeout would cut it.
    Function<ApiVersion, DockerClient> events =
        version ->
            DockerClientImpl.getInstance(
                config(dockerHost, version),
                new ZerodepDockerHttpClient.Builder()
                    .dockerHost(dockerHost)
                    .connectionTimeout(connectTimeout)
                    .build());
    return new DockerJavaGateway(
        requests, events, registry, connectTimeout.plus(responseTimeout), callThreads);
  }

  /**
   * Built field by field rather than from createDefaultConfigBuilder(), which would also read
   * DOCKER_* variables and ~/.docker-java.properties of whatever machine the operator runs on.
   */
  private static DockerClientConfig config(URI dockerHost, ApiVersion version) {
    return new DefaultDockerClientConfig.Builder()
        .withDockerHost(dockerHost.toString())
        .withApiVersion(RemoteApiVersion.create(version.major(), version.minor()))
        .withDockerTlsVerify(false)
        .build();
  }

  @Override
  public Engine engine() {
    return call("negotiate", this::negotiated);
  }

  @Override
  public Optional<Engine> knownEngine() {
    return Optional.ofNullable(engine);
  }

  /**
   * The Engine as negotiated, asking the daemon first when that is due. Throws {@link
   * EngineUnsupportedException} while the daemon speaks no version this operator does, asking again
   * on every call (it may be upgraded in place meanwhile).
   */
  private Engine negotiated() {
    Engine known = engine;
    if (known != null && !renegotiate) {
      return known;
    }
    synchronized (this) {
      if (engine == null || renegotiate) {
        // Unversioned: every daemon answers it whatever its minimum (the middleware then uses its
        // own default version).
        Engine now;
        try {
          JsonNode version = requests.raw().getUnversioned("/version");
          now =
              Engine.negotiate(
                  DockerJson.text(version, "Version"),
                  DockerJson.text(version, "ApiVersion"),
                  DockerJson.text(version, "MinAPIVersion"));
        } catch (DockerUnavailableException e) {
          throw e;
        } catch (DockerException | IllegalArgumentException e) {
          // Not an answer a Docker daemon gives (a proxy, another service on the socket): nothing
          // can be sent to it, and it may be fixed without the agent restarting.
          throw new DockerUnavailableException(
              "GET /version was not answered as a Docker daemon does: " + e.getMessage(), e);
        }
        Engine before = engine;
        if (now.supported() && (before == null || !now.apiVersion().equals(before.apiVersion()))) {
          Requests old = requests;
          requests = newRequests.apply(now.api());
          closeQuietly(old.client());
        }
        if (before == null || !before.equals(now)) {
          LOG.info(
              "Docker Engine {}: speaking API {}", now.version(), now.apiVersion().orElse(null));
        }
        engine = now;
        renegotiate = !now.supported();
      }
      return engine;
    }
  }

  @Override
  public DaemonInfo daemonInfo() {
    return call(
        "daemonInfo",
        () -> {
          Info info = requests.client().infoCmd().exec();
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
      return call("findNetwork", () -> inspectExactNetwork(nameOrId));
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
    return call(
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
    return call(
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
    return call(
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
    run("removeNetwork", () -> requests.client().removeNetworkCmd(networkId).exec());
  }

  @Override
  public Optional<ContainerInfo> findContainer(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      return Optional.empty();
    }
    try {
      return call(
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
    run(
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
    run(
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
    renegotiate = true;
    ApiVersion version;
    try {
      version = engine().api();
    } catch (DockerUnavailableException e) {
      // As for a stream that failed to open: the contract reports it through the listener.
      listener.onStreamClosed(e);
      return () -> {};
    }
    DockerClient stream = eventsClient(version);
    DockerEventSubscription subscription = new DockerEventSubscription(listener);
    // "since" makes the daemon replay what happened between this call and the stream's start.
    stream
        .eventsCmd()
        .withEventTypeFilter(EventType.NETWORK, EventType.CONTAINER)
        .withSince(unixSeconds(Instant.now()))
        .exec(subscription);
    return subscription;
  }

  /** The event client of this API version; the previous one's stream has ended. */
  private synchronized DockerClient eventsClient(ApiVersion version) {
    if (events == null || !version.equals(eventsVersion)) {
      if (events != null) {
        closeQuietly(events);
      }
      events = newEvents.apply(version);
      eventsVersion = version;
    }
    return events;
  }

  private static String unixSeconds(Instant instant) {
    return String.format("%d.%09d", instant.getEpochSecond(), instant.getNano());
  }

  /** Closes both docker-java clients; open subscriptions end without notice. */
  @Override
  public void close() {
    callers.shutdownNow();
    closeQuietly(requests.client());
    synchronized (this) {
      closeQuietly(events);
    }
  }

  private static void closeQuietly(DockerClient client) {
    if (client == null) {
      return;
    }
    try {
      client.close();
    } catch (IOException e) {
      LOG.debug("Closing a docker-java client failed", e);
    }
  }

  private <T> T negotiatedThen(Supplier<T> action) {
    negotiated().api(); // throws while the Engine is unsupported
    return action.get();
  }

  private void run(String operation, Runnable action) {
    call(
        operation,
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Replaces the request client after an I/O failure. A restarted daemon leaves the pool full of
   * connections to the old socket that fail one by one ("Broken pipe"); a fresh client connects
   * anew. At most once a second, so a daemon that is simply down is not hammered.
   */
  private synchronized void renewRequests() {
    long now = System.nanoTime();
    if (now - renewedAtNanos < 1_000_000_000L) {
      return;
    }
    renewedAtNanos = now;
    Requests old = requests;
    Engine known = engine;
    requests =
        newRequests.apply(known != null && known.supported() ? known.api() : Engine.OLDEST_API);
    closeQuietly(old.client());
    // The daemon may have been restarted, maybe as another version.
    renegotiate = true;
  }

  /**
   * Runs one operation, giving up after the connect plus response timeout. The transport does not
   * enforce its response timeout on unix sockets (docker-java's UnixSocket ignores SO_TIMEOUT), so
   * a daemon that accepts connections but never answers (hung, or stopped with SIGSTOP) would block
   * the calling reconciler thread forever. Past the deadline the request's thread is interrupted,
   * which closes its socket channel, and the caller gets a timeout.
   */
  private <T> T withDeadline(String operation, Supplier<T> action) {
    Future<T> result = callers.submit(action::get);
    try {
      return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw new UncheckedIOException(
          new SocketTimeoutException(operation + ": no answer within " + deadline));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(operation + " interrupted", e);
    }
  }

  /**
   * Times one gateway operation and maps every failure to the gateway's exceptions, once. The API
   * version is negotiated first when that is due; a daemon refusing the version in use (restarted
   * as another version between two calls) is asked again and the operation tried once more.
   */
  private <T> T call(String operation, Supplier<T> action) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "unavailable";
    try {
      T result;
      try {
        result = withDeadline(operation, () -> negotiatedThen(action));
      } catch (DockerRejectedException | com.github.dockerjava.api.exception.DockerException e) {
        if (!VERSION_REFUSED.matcher(String.valueOf(e.getMessage())).find()) {
          throw e;
        }
        renegotiate = true;
        result = withDeadline(operation, () -> negotiatedThen(action));
      }
      outcome = "success";
      return result;
    } catch (EngineUnsupportedException e) {
      outcome = "engine_unsupported";
      throw e;
    } catch (DockerException e) {
      outcome = DockerErrors.outcome(e);
      throw e;
    } catch (com.github.dockerjava.api.exception.DockerException e) {
      DockerException mapped = DockerErrors.fromDockerJava(e);
      outcome = DockerErrors.outcome(mapped);
      throw mapped;
    } catch (RuntimeException e) {
      // The transports report I/O failures and timeouts as unchecked exceptions of many types.
      renewRequests();
      throw DockerErrors.unreachable(operation, e);
    } finally {
      sample.stop(
          Timer.builder(CALL_TIMER)
              .description("Calls to the node's Docker daemon")
              .tag("operation", operation)
              .tag("outcome", outcome)
              .register(registry));
    }
  }
}
