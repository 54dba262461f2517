package io.dockernet.operator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import io.dockernet.operator.docker.DockerClientFactory.Requests;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request clients of {@link DockerJavaGateway}, kept in the API version negotiated with the
 * daemon ({@link Engine#negotiate}): asked before the first call, and asked again whenever the
 * daemon may have been restarted, maybe as another Engine version (an Engine upgraded in place is
 * common, and Engine 29.0 to 29.2 refuse the 1.41 that Engine 20.10 needs).
 */
final class NegotiatedRequests implements AutoCloseable {

  /** Logs as the gateway: what operators see of the Docker connection is under one logger. */
  private static final Logger LOG = LoggerFactory.getLogger(DockerJavaGateway.class);

  private final Function<ApiVersion, Requests> newRequests;
  private volatile InUse requests;

  /** The clients the call running on this thread leased ({@link #using}), if any. */
  private final ThreadLocal<InUse> leased = new ThreadLocal<>();

  private volatile long renewedAtNanos;
  private volatile Engine engine;
  private volatile boolean renegotiate = true;

  NegotiatedRequests(Function<ApiVersion, Requests> newRequests) {
    this.newRequests = newRequests;
    // Until the daemon is asked, the oldest version: only the unversioned GET /version is sent.
    this.requests = new InUse(newRequests.apply(Engine.OLDEST_API));
  }

  /**
   * One set of request clients and how many calls use it: replaced ones are closed once no call
   * uses them, so that one call's I/O failure (which replaces them, {@link #renew}) does not fail
   * the calls under way on a healthy connection with "Connection pool shut down".
   */
  private static final class InUse {
    final Requests requests;
    int calls;
    boolean replaced;

    InUse(Requests requests) {
      this.requests = requests;
    }
  }

  /**
   * docker-java's commands: the leased ones during {@link #using}, else the version last
   * negotiated.
   */
  DockerClient client() {
    return current().client();
  }

  /** The raw API, as {@link #client()}. */
  DockerRawApi raw() {
    return current().raw();
  }

  private Requests current() {
    InUse mine = leased.get();
    return (mine != null ? mine : requests).requests;
  }

  /**
   * Runs one call on the clients in use now: replaced meanwhile, they stay open until it returns (a
   * call past its deadline is interrupted, which ends it: {@link DeadlineExecutor}).
   */
  <T> T using(Supplier<T> call) {
    InUse lease;
    synchronized (this) {
      lease = requests;
      lease.calls++;
    }
    leased.set(lease);
    try {
      return call.get();
    } finally {
      leased.remove();
      release(lease);
    }
  }

  private synchronized void release(InUse lease) {
    if (--lease.calls == 0 && lease.replaced) {
      DockerClientFactory.closeQuietly(lease.requests.client());
    }
  }

  /** Puts new clients in place; the old ones are closed now if unused, else by their last call. */
  private synchronized void replace(Requests next) {
    InUse old = requests;
    requests = new InUse(next);
    old.replaced = true;
    if (old.calls == 0) {
      DockerClientFactory.closeQuietly(old.requests.client());
    }
  }

  /** The Engine as last negotiated, without asking the daemon. */
  Optional<Engine> known() {
    return Optional.ofNullable(engine);
  }

  /** Makes the next call ask the daemon for its versions first. */
  void renegotiate() {
    renegotiate = true;
  }

  /** The Engine negotiated, while no new negotiation is due: answered without a request. */
  Optional<Engine> settled() {
    Engine known = engine;
    return known != null && !renegotiate ? Optional.of(known) : Optional.empty();
  }

  /**
   * The Engine as negotiated, asking the daemon first when that is due. Throws {@link
   * EngineUnsupportedException} while the daemon speaks no version this operator does, asking again
   * on every call (it may be upgraded in place meanwhile).
   */
  Engine negotiated() {
    Engine known = engine;
    if (known != null && !renegotiate) {
      return known;
    }
    synchronized (this) {
      if (engine == null || renegotiate) {
        Engine now = askDaemon();
        Engine before = engine;
        if (now.supported() && (before == null || !now.apiVersion().equals(before.apiVersion()))) {
          replace(newRequests.apply(now.api()));
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

  private Engine askDaemon() {
    try {
      // Unversioned: every daemon answers it whatever its minimum (the middleware then uses its
      // own default version).
      JsonNode version = raw().getUnversioned("/version");
      return Engine.negotiate(
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
  }

  /**
   * Replaces the request clients after an I/O failure. A restarted daemon leaves the pool full of
   * connections to the old socket that fail one by one ("Broken pipe"); a fresh client connects
   * anew. At most once a second, so a daemon that is simply down is not hammered. The calls under
   * way finish on the old clients ({@link #using}).
   */
  synchronized void renew() {
    long now = System.nanoTime();
    if (now - renewedAtNanos < 1_000_000_000L) {
      return;
    }
    renewedAtNanos = now;
    Engine known = engine;
    replace(
        newRequests.apply(known != null && known.supported() ? known.api() : Engine.OLDEST_API));
    // The daemon may have been restarted, maybe as another version.
    renegotiate = true;
  }

  @Override
  public void close() {
    DockerClientFactory.closeQuietly(requests.requests.client());
  }
}
