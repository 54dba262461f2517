package io.dockernet.operator.docker;

/**
 * Receives the events of one {@link DockerGateway#subscribe} stream; called on the gateway's event
 * thread, so implementations must not block.
 */
public interface DockerEventListener {

  /**
   * The daemon answered the subscription: the stream is open. Called at most once, before any
   * event, and never after {@link #onStreamClosed}.
   */
  void onStreamOpened();

  /** One event, in the order the daemon sent them. */
  void onEvent(DockerEvent event);

  /**
   * The stream ended or failed to open: called once, with a {@link DockerUnavailableException}, and
   * never after the subscriber closed the stream. Whatever happens from here on is missed until the
   * subscriber subscribes again.
   */
  void onStreamClosed(Throwable cause);
}
