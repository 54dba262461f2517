package io.dockernet.operator.testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the repository's {@code hack/} scripts, logging their output line by line. */
final class HackScripts {

  private static final Logger log = LoggerFactory.getLogger(HackScripts.class);
  private static final int TAIL_LINES = 40;

  private final Path repoRoot;

  HackScripts(Path repoRoot) {
    this.repoRoot = repoRoot;
  }

  /**
   * The repository root: {@code -Dtestbed.repoRoot}, else the first directory at or above the
   * working directory (the {@code operator/} module when run by Maven) that holds {@code hack/}.
   */
  static HackScripts locate() {
    String configured = System.getProperty("testbed.repoRoot");
    if (configured != null) {
      return new HackScripts(Path.of(configured).toAbsolutePath());
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("hack/nodes.sh"))) {
        return new HackScripts(dir);
      }
    }
    throw new IllegalStateException(
        "hack/nodes.sh not found at or above "
            + Path.of("").toAbsolutePath()
            + "; set -Dtestbed.repoRoot=<repository root>");
  }

  Path repoRoot() {
    return repoRoot;
  }

  /** Runs {@code hack/<script> args...}; throws with the output's tail unless it exits 0. */
  void run(Duration timeout, String script, String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(repoRoot.resolve("hack").resolve(script).toString());
    command.addAll(List.of(args));
    String shown = "hack/" + script + (args.length == 0 ? "" : " " + String.join(" ", args));
    log.info("running {}", shown);
    long started = System.nanoTime();
    Deque<String> tail = new ArrayDeque<>();
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(repoRoot.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + shown, e);
    }
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  log.info("  {}", line);
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                      tail.removeFirst();
                    }
                  }
                }
              } catch (IOException e) {
                log.warn("reading output of {} failed", shown, e);
              }
            },
            "hack-" + script);
    pump.setDaemon(true);
    pump.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(shown + " did not finish within " + timeout);
      }
      pump.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + shown, e);
    }
    if (process.exitValue() != 0) {
      String output;
      synchronized (tail) {
        output = String.join("\n", tail);
      }
      throw new IllegalStateException(
          shown + " failed with exit code " + process.exitValue() + ":\n" + output);
    }
    log.info("{} done in {} s", shown, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
  }
}
