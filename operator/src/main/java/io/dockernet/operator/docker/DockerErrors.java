package io.dockernet.operator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Locale;

/**
 * The one place where Docker's answers become the gateway's exception types.
 *
 * <p>Engine 20.10 does not use HTTP 409 for every conflict: "Address already in use", "endpoint
 * with name ... already exists" and "network ... has active endpoints" come back as 403, and
 * "container ... is not connected to [the] network ..." as 500. The gateway contract promises
 * callers a conflict or a not-found for those, so they are recognised by Docker's message here.
 */
final class DockerErrors {

  private DockerErrors() {}

  /** Maps an HTTP error status and Docker's explanation to the gateway's exception types. */
  static DockerException fromStatus(int status, String dockerMessage, Throwable cause) {
    String message =
        dockerMessage == null || dockerMessage.isBlank() ? "HTTP " + status : dockerMessage;
    String lower = message.toLowerCase(Locale.ROOT);
    if (status == 404 || lower.contains("is not connected to")) {
      return new DockerNotFoundException(message, cause);
    }
    if (status == 409
        || lower.contains("already in use")
        || lower.contains("already exists")
        || lower.contains("has active endpoints")) {
      return new DockerConflictException(message, cause);
    }
    if (status == 502 || status == 503 || status == 504) {
      // Only a proxy in front of the socket answers like this; the daemon may be back soon.
      return new DockerUnavailableException(message, cause);
    }
    if (isStoreClosed(lower)) {
      // A daemon that is stopping has closed its network store: it refuses nothing, it is going
      // away, and the write is for its successor.
      return new DockerUnavailableException(message, cause);
    }
    return new DockerRejectedException(message, cause);
  }

  /**
   * The two ways Engine 20.10 says its store is closed: libnetwork's "failed to update store ...
   * open : no such file or directory", and the bridge driver's "failed to update bridge store ...
   * database not open" (bolt's error once the daemon has closed its database).
   */
  private static boolean isStoreClosed(String lower) {
    return lower.contains("failed to update store") || lower.contains("database not open");
  }

  /** Maps an error thrown by one of docker-java's own commands. */
  static DockerException fromDockerJava(com.github.dockerjava.api.exception.DockerException e) {
    return fromStatus(e.getHttpStatus(), messageOf(e.getMessage()), e);
  }

  /** Maps a failure below HTTP: connection refused, socket missing, timeout, truncated body. */
  static DockerUnavailableException unreachable(String operation, Throwable cause) {
    return new DockerUnavailableException(
        "Docker daemon unavailable during " + operation + ": " + cause, cause);
  }

  /** The value of the {@code outcome} tag for a call that failed with {@code e}. */
  static String outcome(DockerException e) {
    if (e instanceof DockerNotFoundException) {
      return "not_found";
    }
    if (e instanceof DockerConflictException) {
      return "conflict";
    }
    if (e instanceof DockerRejectedException) {
      return "rejected";
    }
    return "unavailable";
  }

  /**
   * Extracts Docker's {@code message} from an error body. docker-java wraps the body as {@code
   * Status 403: {"message":"..."}}; the raw client hands over the body itself.
   */
  static String messageOf(String text) {
    if (text == null) {
      return null;
    }
    int json = text.indexOf('{');
    if (json >= 0) {
      try {
        JsonNode body = DockerJson.MAPPER.readTree(text.substring(json));
        if (body != null && body.hasNonNull("message")) {
          return body.get("message").asText();
        }
      } catch (IOException notJson) {
        // Fall through: a proxy may answer with plain text.
      }
    }
    return text.strip();
  }
}
