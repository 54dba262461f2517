package io.dockernet.operator.health;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves /metrics (Prometheus text), /healthz (liveness) and /readyz (readiness) on Vert.x, the
 * HTTP stack fabric8's client already runs on. Its event loop never waits for a client, so a slow
 * or half-open connection (a stuck scraper, a port scan) cannot hold up the kubelet's probes, and a
 * connection that stays silent is closed after {@link #IDLE_TIMEOUT}. The checks and the scrape run
 * on worker threads, so a slow check cannot stall the event loop either.
 */
public final class HttpEndpoints implements AutoCloseable {

  /** Longer than any probe or scrape takes; the kubelet's default probe timeout is 1 s. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final HttpServer server;

  public HttpEndpoints(int port, PrometheusMeterRegistry registry, Probe liveness, Probe readiness)
      throws IOException {
    this(port, registry, liveness, readiness, IDLE_TIMEOUT);
  }

  /** As above, closing connections silent for {@code idleTimeout} (tests shorten it). */
  public HttpEndpoints(
      int port,
      PrometheusMeterRegistry registry,
      Probe liveness,
      Probe readiness,
      Duration idleTimeout)
      throws IOException {
    vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                // Nothing is served from files; a read-only root file system has no cache dir.
                .setFileSystemOptions(
                    new FileSystemOptions()
                        .setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
    HttpServerOptions options =
        new HttpServerOptions()
            .setPort(port)
            .setIdleTimeout((int) idleTimeout.toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    server =
        vertx
            .createHttpServer(options)
            .requestHandler(
                request -> {
                  switch (request.path()) {
                    case "/metrics" -> serve(request, () -> metrics(registry));
                    case "/healthz" -> serve(request, () -> probe(liveness, "alive"));
                    case "/readyz" -> serve(request, () -> probe(readiness, "ready"));
                    default -> request.response().setStatusCode(404).end("not found\n");
                  }
                });
    try {
      server
          .listen()
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      throw new IOException("cannot serve metrics and probes on port " + port, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IOException("interrupted while opening port " + port, e);
    }
  }

  /** What a probe finds wrong; none means the probe passes. */
  @FunctionalInterface
  public interface Probe {
    List<String> problems();
  }

  private record Answer(int status, String contentType, String body) {}

  public int port() {
    return server.actualPort();
  }

  private void serve(HttpServerRequest request, Callable<Answer> answer) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().setStatusCode(405).end();
      return;
    }
    Future<Answer> future = vertx.executeBlocking(answer, false);
    future.onComplete(
        done -> {
          Answer a =
              done.succeeded()
                  ? done.result()
                  : new Answer(500, "text/plain", "failed: " + done.cause() + "\n");
          request
              .response()
              .setStatusCode(a.status())
              .putHeader("Content-Type", a.contentType())
              .end(a.body());
        });
  }

  private static Answer metrics(PrometheusMeterRegistry registry) {
    return new Answer(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
  }

  /** 200 "ok", or 503 naming every problem (what `kubectl describe pod` then shows). */
  private static Answer probe(Probe probe, String what) {
    List<String> problems;
    try {
      problems = probe.problems();
    } catch (RuntimeException e) {
      problems = List.of("the check failed: " + e);
    }
    if (problems.isEmpty()) {
      return new Answer(200, "text/plain", "ok\n");
    }
    return new Answer(503, "text/plain", "not " + what + ": " + String.join("; ", problems) + "\n");
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // The process or test is ending anyway; the port is freed with the process.
    }
  }
}
