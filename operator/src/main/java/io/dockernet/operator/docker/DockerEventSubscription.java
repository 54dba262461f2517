package io.dockernet.operator.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import java.io.Closeable;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription to the daemon's {@code /events} stream: docker-java's callback on one side, the
 * gateway's listener on the other, and the handle the subscriber closes.
 *
 * <p>docker-java may report the end of a stream twice (an error, then completion); the listener
 * hears about it once. A stream ended by {@link #close()} is not reported at all.
 */
final class DockerEventSubscription implements ResultCallback<Event>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DockerEventSubscription.class);

  private final DockerEventListener listener;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile Closeable stream;

  DockerEventSubscription(DockerEventListener listener) {
    this.listener = listener;
  }

  /**
   * docker-java calls this once the daemon has answered the request with a success status (an error
   * status ends in {@link #onError} instead): the stream is open from here on.
   */
  @Override
  public void onStart(Closeable stream) {
    this.stream = stream;
    if (finished.get()) {
      closeQuietly(stream); // closed by the subscriber before the daemon answered
      return;
    }
    listener.onStreamOpened();
  }

  @Override
  public void onNext(Event event) {
    if (finished.get()) {
      return;
    }
    try {
      listener.onEvent(toDockerEvent(event));
    } catch (RuntimeException e) {
      // A listener bug must not end the stream: the next event may well be handled.
      LOG.warn("Docker event listener failed on {}", event, e);
    }
  }

  @Override
  public void onError(Throwable cause) {
    finish(DockerErrors.unreachable("event stream", cause));
  }

  @Override
  public void onComplete() {
    finish(new DockerUnavailableException("Docker event stream ended", null));
  }

  /** Stops the stream; the listener is not told, the subscriber knows. */
  @Override
  public void close() {
    if (finished.compareAndSet(false, true)) {
      closeQuietly(stream);
    }
  }

  private void finish(DockerException cause) {
    if (finished.compareAndSet(false, true)) {
      closeQuietly(stream);
      listener.onStreamClosed(cause);
    }
  }

  static DockerEvent toDockerEvent(Event event) {
    String type = event.getType() == null ? null : event.getType().getValue();
    String action = event.getAction() != null ? event.getAction() : event.getStatus();
    String actorId = event.getId();
    Map<String, String> attributes = Map.of();
    if (event.getActor() != null) {
      actorId = event.getActor().getId();
      if (event.getActor().getAttributes() != null) {
        attributes = Collections.unmodifiableMap(new HashMap<>(event.getActor().getAttributes()));
      }
    }
    return new DockerEvent(type, action, actorId, attributes);
  }

  private static void closeQuietly(Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing the Docker event stream failed", e);
    }
  }
}
