package io.dockernet.operator.chart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node daemon's own CLI (the client of the node's Engine, linked next to its socket by
 * hack/nodes.sh; Debian's 20.10 client otherwise), classic builder, no registry.
 */
public final class DockerCli {

  private final Path socket;
  private final Path cli;

  public DockerCli(Path socket) {
    this.socket = socket;
    Path own = socket.resolveSibling("docker");
    this.cli = Files.isExecutable(own) ? own : Path.of("/usr/bin/docker");
  }

  /** {@code docker -H unix://<socket> args...}; returns its output, throws unless it exits 0. */
  public String run(String... args) {
    List<String> command = new ArrayList<>(List.of(cli.toString(), "-H", "unix://" + socket));
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
