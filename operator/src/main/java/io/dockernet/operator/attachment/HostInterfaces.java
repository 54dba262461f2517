package io.dockernet.operator.attachment;

import java.util.Optional;

/** Finds the host side of a container's veth pair (what `brctl show` lists on the bridge). */
@FunctionalInterface
public interface HostInterfaces {

  /**
   * The name of the node-side interface whose peer is the container's interface with this MAC.
   *
   * @param pid the container's init process, as Docker reports it (0 when not running)
   * @param macAddress the endpoint's MAC address
   * @return empty when it cannot be told (not running, not a veth, no access to the process)
   */
  Optional<String> hostInterfaceOf(int pid, String macAddress);

  /** For agents that cannot see the node's processes. */
  HostInterfaces NONE = (pid, mac) -> Optional.empty();
}
