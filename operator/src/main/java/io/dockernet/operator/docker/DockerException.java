package io.dockernet.operator.docker;

/** Base of every error the gateway throws. */
public class DockerException extends RuntimeException {
  public DockerException(String message, Throwable cause) {
    super(message, cause);
  }
}
