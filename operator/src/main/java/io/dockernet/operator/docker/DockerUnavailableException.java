package io.dockernet.operator.docker;

/** The daemon could not be reached or did not answer in time; worth retrying. */
public class DockerUnavailableException extends DockerException {
  public DockerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
