package io.dockernet.operator.docker;

/** HTTP 409: a name, endpoint or address is already taken. */
public class DockerConflictException extends DockerException {
  public DockerConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
