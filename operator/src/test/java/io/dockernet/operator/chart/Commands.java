package io.dockernet.operator.chart;

import io.dockernet.operator.testbed.Repo;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a command line as a user would type it; its output is logged and returned. */
public final class Commands {

  private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

  private Commands() {}

  /** Runs in the repository root; throws with the output unless it exits 0. */
  public static String run(Duration timeout, Map<String, String> env, List<String> command) {
    LOG.info("$ {}", String.join(" ", command));
    try {
      Path output = Files.createTempFile("command", ".out");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(Repo.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(new File("/dev/null"));
        // The machine's Docker settings must not redirect a command meant for a test daemon.
        builder.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " did not finish within " + timeout);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        text.lines().forEach(l -> LOG.info("  {}", l));
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              String.join(" ", command) + " exited " + process.exitValue() + ":\n" + text);
        }
        return text;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
