package io.dockernet.operator.docker;

import java.util.Map;

/**
 * The daemon at a glance, as {@link DockerGateway#overview()} reports it: every network and every
 * container's endpoints, from one list call each (no inspects).
 *
 * @param networkIds network name → ID
 * @param containers container ID → that container (all containers, running or not)
 */
public record Overview(Map<String, String> networkIds, Map<String, ListedContainer> containers) {

  public Overview {
    networkIds = Map.copyOf(networkIds);
    containers = Map.copyOf(containers);
  }

  /** A container as the container list shows it, with its endpoints by network name. */
  public record ListedContainer(String id, String name, Map<String, ListedEndpoint> networks) {}

  /**
   * A container's endpoint as the container list shows it: {@code networkId} is null for a
   * container never started since it was connected, {@code endpointId} and {@code ipv4Address}
   * while it is not running (Docker makes the endpoint anew, with a new ID, each time it starts).
   */
  public record ListedEndpoint(String networkId, String endpointId, String ipv4Address) {}
}
