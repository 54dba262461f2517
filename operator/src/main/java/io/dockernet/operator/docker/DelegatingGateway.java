package io.dockernet.operator.docker;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link DockerGateway} that passes every call to {@link #delegate()}. */
public abstract class DelegatingGateway implements DockerGateway {

  protected abstract DockerGateway delegate();

  @Override
  public DaemonInfo daemonInfo() {
    return delegate().daemonInfo();
  }

  @Override
  public Engine engine() {
    return delegate().engine();
  }

  @Override
  public Optional<Engine> knownEngine() {
    return delegate().knownEngine();
  }

  @Override
  public Optional<NetworkInfo> findNetwork(String nameOrId) {
    return delegate().findNetwork(nameOrId);
  }

  @Override
  public List<NetworkInfo> listNetworks(Map<String, String> labels) {
    return delegate().listNetworks(labels);
  }

  @Override
  public Overview overview() {
    return delegate().overview();
  }

  @Override
  public Optional<Overview> quietOverview() {
    return delegate().quietOverview();
  }

  @Override
  public String createNetwork(NetworkRequest request) {
    return delegate().createNetwork(request);
  }

  @Override
  public void removeNetwork(String networkId) {
    delegate().removeNetwork(networkId);
  }

  @Override
  public Optional<ContainerInfo> findContainer(String nameOrId) {
    return delegate().findContainer(nameOrId);
  }

  @Override
  public void connect(String networkId, String containerId, EndpointRequest endpoint) {
    delegate().connect(networkId, containerId, endpoint);
  }

  @Override
  public void disconnect(String networkId, String containerId, boolean force) {
    delegate().disconnect(networkId, containerId, force);
  }

  @Override
  public AutoCloseable subscribe(DockerEventListener listener) {
    return delegate().subscribe(listener);
  }
}
