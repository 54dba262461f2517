package io.dockernet.operator.docker;

/** The daemon refused the request and said why; retrying the same request will not help. */
public class DockerRejectedException extends DockerException {
  public DockerRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
