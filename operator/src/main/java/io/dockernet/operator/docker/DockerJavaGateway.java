package io.dockernet.operator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link DockerGateway}: the only class that talks to docker-java.
 *
 * <p>Speaks Engine API 1.41 (Docker 20.10, the oldest engine supported; newer engines still accept
 * it). Network create, connect and inspect and container inspect go through docker-java's raw HTTP
 * client with {@link DockerJson}, because docker-java's model drops IPAM aux addresses and options
 * and endpoint driver options; the rest uses docker-java's commands.
 */
public final class DockerJavaGateway implements DockerGateway, AutoCloseable {

  /** Timer of every Docker call, tagged {@code operation} and {@code outcome}. */
  public static final String CALL_TIMER = "dockernet.docker.api.call";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

  /** Calls at once unless told otherwise (the agent passes its number of reconcile threads). */
  public static final int DEFAULT_CALL_THREADS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(DockerJavaGateway.class);
  private static final RemoteApiVersion API_VERSION = RemoteApiVersion.VERSION_1_41;

  /** The request side: a docker-java client and the raw API over the same HTTP client. */
  private record Requests(DockerClient client, DockerRawApi raw) {}

  private final Supplier<Requests> newRequests;
  private volatile Requests requests;
  private volatile long renewedAtNanos;
  private final DockerClient events;
  private final MeterRegistry registry;
  private final Duration deadline;
  private final ThreadPoolExecutor callers;

  private DockerJavaGateway(
      Supplier<Requests> newRequests,
      DockerClient events,
      MeterRegistry registry,
      Duration deadline,
      int callThreads) {
    this.newRequests = newRequests;
    this.requests = newRequests.get();
    this.events = events;
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
            r -> {
              Thread t = new Thread(r, "docker-call");
              t.setDaemon(true);
              return t;
            });
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
    // Built field by field rather than from createDefaultConfigBuilder(), which would also read
    // DOCKER_* variables and ~/.docker-java.properties of whatever machine the operator runs on.
    DockerClientConfig config =
        new DefaultDockerClientConfig.Builder()
            .withDockerHost(dockerHost.toString())
            .withApiVersion(API_VERSION)
            .withDockerTlsVerify(false)
            .build();
    Supplier<Requests> requests =
        () -> {
          DockerHttpClient http =
              new ZerodepDockerHttpClient.Builder()
                  .dockerHost(dockerHost)
                  .connectionTimeout(connectTimeout)
                  .responseTimeout(responseTimeout)
                  .build();
          return new Requests(
              DockerClientImpl.getInstance(config, http),
              new DockerRawApi(http, API_VERSION.getVersion()));
        };
    // The event stream is silent for as long as nothing happens: a response timeout would cut it.
    DockerHttpClient eventHttp =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(dockerHost)
            .connectionTimeout(connectTimeout)
            .build();
    return new DockerJavaGateway(
        requests,
        DockerClientImpl.getInstance(config, eventHttp),
        registry,
        connectTimeout.plus(responseTimeout),
        callThreads);
  }

  @Override
  public DaemonInfo daemonInfo() {
    return call(
        "daemonInfo",
        () -> {
          Info info = requests.client().infoCmd().exec();
          Version version = requests.client().versionCmd().exec();
          return new DaemonInfo(
              info.getId(), info.getName(), version.getVersion(), version.getApiVersion());
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

  @Override
  public AutoCloseable subscribe(DockerEventListener listener) {
    DockerEventSubscription subscription = new DockerEventSubscription(listener);
    // "since" makes the daemon replay what happened between this call and the stream's start.
    events
        .eventsCmd()
        .withEventTypeFilter(EventType.NETWORK, EventType.CONTAINER)
        .withSince(unixSeconds(Instant.now()))
        .exec(subscription);
    return subscription;
  }

  private static String unixSeconds(Instant instant) {
    return String.format("%d.%09d", instant.getEpochSecond(), instant.getNano());
  }

  /** Closes both docker-java clients; open subscriptions end without notice. */
  @Override
  public void close() {
    callers.shutdownNow();
    closeQuietly(requests.client());
    closeQuietly(events);
  }

  private static void closeQuietly(DockerClient client) {
    try {
      client.close();
    } catch (IOException e) {
      LOG.debug("Closing a docker-java client failed", e);
    }
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
    requests = newRequests.get();
    closeQuietly(old.client());
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

  /** Times one gateway operation and maps every failure to the gateway's exceptions, once. */
  private <T> T call(String operation, Supplier<T> action) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "unavailable";
    try {
      T result = withDeadline(operation, action);
      outcome = "success";
      return result;
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
              .publishPercentileHistogram()
              .register(registry));
    }
  }
}
