package io.dockernet.operator.fault;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.dockernet.operator.testbed.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The endpoints of containers the operator does not manage on the networks it does, as {@code
 * docker inspect} shows them: a fault test takes them before and fails when one went missing or
 * changed its address, static address or aliases. (Their network and endpoint IDs change when the
 * operator replaces a network; everything a user relies on must not.)
 */
final class EndpointsKept {

  /** What a user relies on of one endpoint. */
  record Endpoint(String ipv4, String staticIpv4, List<String> aliases) {}

  private EndpointsKept() {}

  /**
   * Every endpoint of the chosen containers, keyed "node container@network".
   *
   * @param unmanaged containers (by name) whose endpoints must be kept
   */
  static Map<String, Endpoint> snapshot(Map<String, TestNode> nodes, Predicate<String> unmanaged) {
    Map<String, Endpoint> out = new TreeMap<>();
    nodes.forEach(
        (name, node) -> {
          for (Container c : node.docker().listContainersCmd().withShowAll(true).exec()) {
            String container = c.getNames()[0].substring(1);
            if (!unmanaged.test(container)) {
              continue;
            }
            InspectContainerResponse inspect = node.docker().inspectContainerCmd(c.getId()).exec();
            inspect
                .getNetworkSettings()
                .getNetworks()
                .forEach(
                    (network, e) -> out.put(name + " " + container + "@" + network, endpoint(e)));
          }
        });
    return out;
  }

  /** What went missing or changed since {@code before}, one line each (empty: all kept). */
  static List<String> lostOrChanged(Map<String, Endpoint> before, Map<String, Endpoint> now) {
    return lostOrChanged(before, now, Set.of());
  }

  /**
   * As {@link #lostOrChanged(Map, Map)}; on a node whose daemon the test restarted, a dynamic
   * endpoint may come back with another address (Docker gives one anew when the container starts
   * again), which is the fault, not the operator.
   */
  static List<String> lostOrChanged(
      Map<String, Endpoint> before, Map<String, Endpoint> now, Set<String> restartedNodes) {
    List<String> out = new ArrayList<>();
    before.forEach(
        (key, was) -> {
          Endpoint is = now.get(key);
          boolean restarted = restartedNodes.contains(key.substring(0, key.indexOf(' ')));
          boolean addressMatters = !restarted || was.staticIpv4() != null;
          if (is == null) {
            out.add(key + ": missing (was " + was + ")");
          } else if ((addressMatters && !Objects.equals(is.ipv4(), was.ipv4()))
              || !Objects.equals(is.aliases(), was.aliases())
              || (was.staticIpv4() != null && !Objects.equals(is.staticIpv4(), was.staticIpv4()))) {
            out.add(key + ": was " + was + ", is " + is);
          }
        });
    return out;
  }

  private static Endpoint endpoint(ContainerNetwork e) {
    List<String> aliases =
        e.getAliases() == null
            ? List.of()
            : e.getAliases().stream()
                .filter(a -> !a.matches("[0-9a-f]{12}")) // the short ID Engine 20.10 adds
                .sorted()
                .toList();
    String configured = e.getIpamConfig() == null ? null : e.getIpamConfig().getIpv4Address();
    return new Endpoint(
        e.getIpAddress() == null || e.getIpAddress().isEmpty() ? null : e.getIpAddress(),
        configured == null || configured.isEmpty() ? null : configured,
        aliases);
  }
}
