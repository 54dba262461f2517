package io.dockernet.operator.docker;

import io.dockernet.operator.DaemonThreads;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs Docker calls on a bounded pool of threads and gives up on a call past its deadline. The
 * transport does not enforce its response timeout on unix sockets (docker-java's UnixSocket ignores
 * SO_TIMEOUT), so a daemon that accepts connections but never answers (hung, or stopped with
 * SIGSTOP) would otherwise block the calling reconciler thread forever.
 */
final class DeadlineExecutor implements AutoCloseable {

  private final Duration deadline;
  private final ThreadPoolExecutor threads;

  DeadlineExecutor(Duration deadline, int threadCount) {
    this.deadline = deadline;
    // Bounded: the callers are reconcile threads, as many as this pool. A call that waits for a
    // thread spends its own deadline waiting. A call past its deadline is interrupted, which frees
    // its thread even from a hung daemon (call below), so hung calls do not use the pool up; its
    // clients, replaced (NegotiatedRequests.renew), are closed as it returns.
    this.threads =
        new ThreadPoolExecutor(
            threadCount,
            threadCount,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            DaemonThreads.named("docker-call"));
    threads.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code action} on a pool thread and waits for it at most the deadline. Past it the thread
   * is interrupted, which closes its socket channel, and the caller gets an {@link
   * UncheckedIOException} of a {@link SocketTimeoutException}; what the action throws is rethrown
   * as it is.
   */
  <T> T call(String operation, Supplier<T> action) {
    Future<T> result = threads.submit(action::get);
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

  /** Interrupts the calls under way; later calls are refused. */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
