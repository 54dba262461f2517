package io.dockernet.operator.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * JSON over docker-java's raw HTTP client, for the calls whose fields docker-java's model lacks.
 * Non-2xx answers become gateway exceptions here; transport failures are left to the caller's
 * single mapping in {@link DockerCalls}.
 */
final class DockerRawApi {

  private final DockerHttpClient http;
  private final String versionPrefix;

  DockerRawApi(DockerHttpClient http, String apiVersion) {
    this.http = http;
    this.versionPrefix = "/v" + apiVersion;
  }

  JsonNode get(String path) {
    return execute(Request.builder().method(Request.Method.GET).path(versionPrefix + path).build());
  }

  /** A GET without version prefix: answered by every daemon, whatever API versions it accepts. */
  JsonNode getUnversioned(String path) {
    return execute(Request.builder().method(Request.Method.GET).path(path).build());
  }

  JsonNode post(String path, JsonNode body) {
    byte[] json;
    try {
      json = DockerJson.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return execute(
        Request.builder()
            .method(Request.Method.POST)
            .path(versionPrefix + path)
            .putHeader("Content-Type", "application/json")
            .bodyBytes(json)
            .build());
  }

  /** Encodes one path segment (a name or ID typed by a user may contain anything). */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Encodes a query parameter value. */
  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private JsonNode execute(Request request) {
    try (Response response = http.execute(request)) {
      byte[] body = response.getBody().readAllBytes();
      int status = response.getStatusCode();
      if (status < 200 || status > 299) {
        String text = new String(body, StandardCharsets.UTF_8);
        throw DockerErrors.fromStatus(status, DockerErrors.messageOf(text), null);
      }
      return body.length == 0 ? MissingNode.getInstance() : DockerJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
