package io.dockernet.operator.docker;

/** The named network, container or endpoint does not exist. */
public class DockerNotFoundException extends DockerException {
  public DockerNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
