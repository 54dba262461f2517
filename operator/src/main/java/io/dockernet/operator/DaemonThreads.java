package io.dockernet.operator;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Threads for the operator's background work (timers, event writers, Docker calls): daemons, so
 * that none of them keeps a stopping process alive, and named, so a thread dump says whose they
 * are.
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** One named daemon thread that runs tasks in order, now or later. */
  public static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(named(name));
  }
}
