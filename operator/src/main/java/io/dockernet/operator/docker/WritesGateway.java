package io.dockernet.operator.docker;

import java.util.function.Supplier;

/**
 * A {@link DelegatingGateway} whose four Docker writes (create and remove a network, connect and
 * disconnect a container) all pass through {@link #write}, for a decorator that cares about the
 * writes only.
 */
public abstract class WritesGateway extends DelegatingGateway {

  /**
   * One write: its operation (the gateway's method name), the network (its name for a create, else
   * its ID) and the container (connect and disconnect only).
   */
  public record Write(String operation, String network, String container) {}

  /** Makes {@code call}, which carries out {@code write}. */
  protected abstract <T> T write(Write write, Supplier<T> call);

  @Override
  public String createNetwork(NetworkRequest request) {
    return write(
        new Write("createNetwork", request.name(), null), () -> delegate().createNetwork(request));
  }

  @Override
  public void removeNetwork(String networkId) {
    write(
        new Write("removeNetwork", networkId, null),
        () -> {
          delegate().removeNetwork(networkId);
          return null;
        });
  }

  @Override
  public void connect(String networkId, String containerId, EndpointRequest endpoint) {
    write(
        new Write("connect", networkId, containerId),
        () -> {
          delegate().connect(networkId, containerId, endpoint);
          return null;
        });
  }

  @Override
  public void disconnect(String networkId, String containerId, boolean force) {
    write(
        new Write("disconnect", networkId, containerId),
        () -> {
          delegate().disconnect(networkId, containerId, force);
          return null;
        });
  }
}
