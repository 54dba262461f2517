package io.dockernet.operator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.EventType;
import java.time.Instant;
import java.util.function.Function;

/**
 * Opens the daemon's {@code /events} streams (network and container events) for {@link
 * DockerJavaGateway}, on a client of their own: one without a response timeout, in the API version
 * negotiated when the stream is opened.
 */
final class DockerEventStreams implements AutoCloseable {

  private final Function<ApiVersion, DockerClient> newClient;
  private DockerClient client;
  private ApiVersion clientVersion;

  DockerEventStreams(Function<ApiVersion, DockerClient> newClient) {
    this.newClient = newClient;
  }

  /** Starts a stream in this API version; the returned handle stops it. */
  AutoCloseable open(ApiVersion version, DockerEventListener listener) {
    DockerEventSubscription subscription = new DockerEventSubscription(listener);
    // "since" makes the daemon replay what happened between this call and the stream's start.
    client(version)
        .eventsCmd()
        .withEventTypeFilter(EventType.NETWORK, EventType.CONTAINER)
        .withSince(unixSeconds(Instant.now()))
        .exec(subscription);
    return subscription;
  }

  /** The client of this API version; the previous one's stream has ended. */
  private synchronized DockerClient client(ApiVersion version) {
    if (client == null || !version.equals(clientVersion)) {
      if (client != null) {
        DockerClientFactory.closeQuietly(client);
      }
      client = newClient.apply(version);
      clientVersion = version;
    }
    return client;
  }

  private static String unixSeconds(Instant instant) {
    return String.format("%d.%09d", instant.getEpochSecond(), instant.getNano());
  }

  /** Closes the client; open streams end without notice. */
  @Override
  public synchronized void close() {
    DockerClientFactory.closeQuietly(client);
  }
}
