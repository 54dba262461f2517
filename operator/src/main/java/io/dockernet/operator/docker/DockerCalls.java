package io.dockernet.operator.docker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * How {@link DockerJavaGateway} makes every call to the daemon: in the negotiated API version,
 * within the deadline, timed ({@link DockerJavaGateway#CALL_TIMER}), and with every failure mapped
 * to the gateway's exceptions once.
 */
final class DockerCalls implements AutoCloseable {

  /** "client version 1.41 is too old. Minimum supported API version is 1.44, ..." (or too new). */
  private static final Pattern VERSION_REFUSED =
      Pattern.compile("client version \\S+ is too (old|new)");

  private final NegotiatedRequests requests;
  private final MeterRegistry registry;
  private final DeadlineExecutor executor;

  DockerCalls(
      NegotiatedRequests requests, MeterRegistry registry, Duration deadline, int callThreads) {
    this.requests = requests;
    this.registry = registry;
    this.executor = new DeadlineExecutor(deadline, callThreads);
  }

  /** As {@link #call}, for an operation without a result. */
  void run(String operation, Runnable action) {
    call(
        operation,
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Times one gateway operation and maps every failure to the gateway's exceptions, once. The API
   * version is negotiated first when that is due; a daemon refusing the version in use (restarted
   * as another version between two calls) is asked again and the operation tried once more. An I/O
   * failure replaces the request clients ({@link NegotiatedRequests#renew}).
   */
  <T> T call(String operation, Supplier<T> action) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "unavailable";
    try {
      T result;
      try {
        result = executor.call(operation, () -> negotiatedThen(action));
      } catch (DockerRejectedException | com.github.dockerjava.api.exception.DockerException e) {
        if (!VERSION_REFUSED.matcher(String.valueOf(e.getMessage())).find()) {
          throw e;
        }
        requests.renegotiate();
        result = executor.call(operation, () -> negotiatedThen(action));
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
      requests.renew();
      throw DockerErrors.unreachable(operation, e);
    } finally {
      sample.stop(
          Timer.builder(DockerJavaGateway.CALL_TIMER)
              .description("Calls to the node's Docker daemon")
              .tag("operation", operation)
              .tag("outcome", outcome)
              .register(registry));
    }
  }

  private <T> T negotiatedThen(Supplier<T> action) {
    requests.negotiated().api(); // throws while the Engine is unsupported
    return requests.using(action);
  }

  /** Interrupts the calls under way; later calls fail as the daemon being unavailable. */
  @Override
  public void close() {
    executor.close();
  }
}
