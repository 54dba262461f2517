package io.dockernet.operator.chart;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A node daemon's own CLI (Debian's Engine 20.10 client), classic builder, no registry. */
public final class DockerCli {

  private static final String DOCKER = "/usr/bin/docker";

  private final Path socket;

  public DockerCli(Path socket) {
    this.socket = socket;
  }

  /** {@code docker -H unix://<socket> args...}; returns its output, throws unless it exits 0. */
  public String run(String... args) {
    List<String> command = new ArrayList<>(List.of(DOCKER, "-H", "unix://" + socket));
    command.addAll(List.of(args));
    return Commands.run(Duration.ofMinutes(5), Map.of("DOCKER_BUILDKIT", "0"), command).trim();
  }

  /** Like {@link #run} but never throws: for clean-up and diagnostics. */
  public String tryRun(String... args) {
    try {
      return run(args);
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }
}
