package io.dockernet.operator.node;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps an agent's two kinds of work on one Docker network apart: while a network is being replaced
 * (its endpoints disconnected and put back in a careful order), no attachment connects or
 * disconnects anything on it, and a replacement waits for an attachment's change in flight. A
 * replacement whose journal an earlier agent process left behind counts as under way from this
 * process's start until it is resumed and finished.
 */
public final class NetworkGuard {

  private final Map<String, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();
  private final Set<String> unfinished = ConcurrentHashMap.newKeySet();

  /** Runs a replacement of {@code network}; waits for attachment changes on it to finish first. */
  public <T> T replacing(String network, Supplier<T> work) {
    ReentrantReadWriteLock lock = lockOf(network);
    lock.writeLock().lock();
    try {
      return work.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Runs an attachment's change on {@code network} unless the network is being replaced (or a
   * replacement is left unfinished): then returns empty without running it.
   */
  public <T> Optional<T> unlessReplacing(String network, Supplier<T> work) {
    if (unfinished.contains(network)) {
      return Optional.empty();
    }
    ReentrantReadWriteLock lock = lockOf(network);
    if (!lock.readLock().tryLock()) {
      return Optional.empty();
    }
    try {
      return Optional.of(work.get());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** True while {@code network} is being replaced or has an unfinished replacement. */
  public boolean busy(String network) {
    return unfinished.contains(network) || lockOf(network).isWriteLocked();
  }

  /** Marks a replacement left unfinished (its journal is in the report) or finished. */
  public void unfinished(String network, boolean unfinished) {
    if (unfinished) {
      this.unfinished.add(network);
    } else {
      this.unfinished.remove(network);
    }
  }

  private ReentrantReadWriteLock lockOf(String network) {
    return locks.computeIfAbsent(network, n -> new ReentrantReadWriteLock());
  }
}
