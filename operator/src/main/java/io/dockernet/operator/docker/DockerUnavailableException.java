package io.dockernet.operator.docker;

/** The daemon could not be reached or did not answer in time; worth retrying. */
public class DockerUnavailableException extends DockerException {
  public DockerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The per-node reason a report gives for this failure, one CamelCase word. */
  public String reason() {
    return "DockerUnavailable";
  }

  /** The per-node report's message for this failure. */
  public String reportMessage() {
    return "cannot reach the Docker daemon: " + getMessage();
  }
}
