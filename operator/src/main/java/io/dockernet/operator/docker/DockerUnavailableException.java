package io.dockernet.operator.docker;

/** The daemon could not be reached or did not answer in time; worth retrying. */
public class DockerUnavailableException extends DockerException {
  public DockerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The daemon's absence behind a failure, if that is what it was: JOSDK's metrics wrap what a
   * reconciler threw (in an OperatorException), and a write beside the pass in a
   * CompletionException.
   */
  public static DockerUnavailableException causing(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DockerUnavailableException unavailable) {
        return unavailable;
      }
    }
    return null;
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
