package io.dockernet.operator.docker;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Sends the agent's Docker writes to its daemon one at a time, in the order they were asked for;
 * reads are not held up. The daemon does a network's create and a container's connect mostly one at
 * a time anyway (libnetwork's store, the host's xtables lock), and several at once are slower than
 * the same ones back-to-back: 8 at a time took 73–87 s where back-to-back took 53–70 s for the
 * benchmark's 200 creates and 1,000 connects (docs/benchmarks.md). The agent's reconcile threads
 * still overlap everything else: reads, report writes, the wait for the API server. Reads do not
 * take turns: queued behind every connect, they held the passes back (a converge took 111 s against
 * 101 s without, docs/benchmarks.md).
 *
 * <p>A write that hangs holds the others up to the gateway's response timeout, which they would
 * meet on a hung daemon too.
 */
public final class OneWriteAtATime extends WritesGateway {

  private final DockerGateway docker;
  private final ReentrantLock turn = new ReentrantLock(true);

  public OneWriteAtATime(DockerGateway docker) {
    this.docker = docker;
  }

  @Override
  protected DockerGateway delegate() {
    return docker;
  }

  @Override
  protected <T> T write(Write write, Supplier<T> call) {
    turn.lock();
    try {
      return call.get();
    } finally {
      turn.unlock();
    }
  }

  /** Whether a write waits for its turn (tests). */
  boolean writesWaiting() {
    return turn.hasQueuedThreads();
  }
}
