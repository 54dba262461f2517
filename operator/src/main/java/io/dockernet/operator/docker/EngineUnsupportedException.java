package io.dockernet.operator.docker;

/**
 * The daemon speaks no API version this operator speaks: too old ({@link Engine#TOO_OLD}) or
 * refusing every version this operator knows ({@link Engine#TOO_NEW}). Unusable like an unreachable
 * daemon, and retried like one: an Engine upgraded in place is spoken to again as soon as it is
 * back.
 */
public final class EngineUnsupportedException extends DockerUnavailableException {

  private final String reason;

  public EngineUnsupportedException(String reason, String message) {
    super(message, null);
    this.reason = reason;
  }

  @Override
  public String reason() {
    return reason;
  }

  @Override
  public String reportMessage() {
    return getMessage();
  }
}
