package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.PublishedPort;
import io.dockernet.operator.docker.Overview;
import io.dockernet.operator.docker.Overview.ListedContainer;
import io.dockernet.operator.docker.Overview.ListedEndpoint;
import io.dockernet.operator.ip.Addresses;
import io.dockernet.operator.node.PassReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The parts of a node's ContainerAttachment report built from what the daemon has. */
final class AttachmentReports {

  private AttachmentReports() {}

  /** Identity, and the container as Docker describes it ({@code c} may be null). */
  static AttachmentReport base(ContainerAttachment ca, ContainerInfo c) {
    AttachmentReport s = new AttachmentReport();
    s.containerAttachment = ca.getMetadata().getName();
    s.observedGeneration = ca.getMetadata().getGeneration();
    if (c != null) {
      s.containerId = c.id();
      s.containerName = c.name();
      s.networkMode = c.networkMode();
      List<String> ports =
          c.ports().stream()
              .filter(p -> p.hostPort() != null)
              .map(AttachmentReports::port)
              .toList();
      s.publishedPorts = ports.isEmpty() ? null : ports;
    }
    return s;
  }

  /**
   * Whether a Ready report still describes the daemon: the container it named is there, still on
   * the network it named (by ID, or by that network's name for a container never started since),
   * with the IPv4 address it reported while it runs.
   */
  static boolean stillTrue(AttachmentReport report, Overview overview) {
    if (report.containerId == null || report.networkId == null) {
      return true; // nothing on the daemon to compare with (e.g. network mode host)
    }
    ListedContainer container = overview.containers().get(report.containerId);
    if (container == null || !overview.networkIds().containsValue(report.networkId)) {
      return false;
    }
    for (Map.Entry<String, ListedEndpoint> e : container.networks().entrySet()) {
      ListedEndpoint endpoint = e.getValue();
      String networkId =
          endpoint.networkId() != null
              ? endpoint.networkId()
              : overview.networkIds().get(e.getKey());
      if (report.networkId.equals(networkId)) {
        return endpoint.ipv4Address() == null
            || report.ipv4Address == null
            || endpoint.ipv4Address().equals(report.ipv4Address);
      }
    }
    return false;
  }

  /**
   * Whether an overview shows the daemon exactly as a report says, as far as a pass would look: no
   * connect journaled; the container named by the spec, under the reported name and ID; on the
   * network of that name with the reported ID, by the very endpoint reported (Docker makes a new
   * one, with a new ID, for every connect and every start, so aliases, addresses and the host-side
   * interface are the reported ones) with the reported IPv4 address.
   *
   * @param container the spec's container, by name or ID
   * @param network the Docker name of the attachment's network
   */
  static boolean shownExactly(
      AttachmentReport report, String container, String network, Overview overview) {
    if (report.journal != null
        || report.containerId == null
        || report.networkId == null
        || report.endpointId == null
        || !report.networkId.equals(overview.networkIds().get(network))) {
      return false;
    }
    ListedContainer listed = overview.containers().get(report.containerId);
    if (listed == null
        || !listed.name().equals(report.containerName)
        || !(listed.name().equals(container) || listed.id().equals(container))) {
      return false;
    }
    ListedEndpoint endpoint = listed.networks().get(network);
    return endpoint != null
        && report.networkId.equals(endpoint.networkId())
        && report.endpointId.equals(endpoint.endpointId())
        && Objects.equals(endpoint.ipv4Address(), report.ipv4Address);
  }

  /** Where the endpoint is plugged in: addresses, MAC, gateway, bridge and host-side veth. */
  static void fillEndpoint(
      AttachmentReport s,
      ContainerInfo c,
      NetworkInfo net,
      ContainerEndpoint endpoint,
      HostInterfaces hosts) {
    s.networkId = net.id();
    s.endpointId = endpoint.endpointId();
    s.ipv4Address = endpoint.ipv4Address();
    s.ipv4PrefixLength = endpoint.ipv4PrefixLength() > 0 ? endpoint.ipv4PrefixLength() : null;
    s.ipv6Address = endpoint.ipv6Address();
    s.ipv6PrefixLength = endpoint.ipv6PrefixLength() > 0 ? endpoint.ipv6PrefixLength() : null;
    s.macAddress = endpoint.macAddress();
    s.gateway = endpoint.gateway() != null ? endpoint.gateway() : endpoint.ipv6Gateway();
    s.bridge = net.bridge();
    s.hostInterface =
        endpoint.endpointId() == null
            ? null
            : hosts.hostInterfaceOf(c.pid(), endpoint.macAddress()).orElse(null);
  }

  /**
   * The Ready report for an endpoint that is as declared, with the warnings that go with it: the
   * same whether the agent just connected it or found it so.
   */
  static PassReport<AttachmentReport> ready(
      AttachmentReport base,
      ContainerInfo c,
      NetworkInfo net,
      ContainerEndpoint endpoint,
      EndpointRequest desired,
      List<String> warnings,
      HostInterfaces hosts) {
    List<String> all = new ArrayList<>(warnings);
    fillEndpoint(base, c, net, endpoint, hosts);
    if (endpoint.endpointId() != null
        && desired.macAddress() != null
        && !desired.macAddress().equalsIgnoreCase(String.valueOf(endpoint.macAddress()))) {
      all.add(
          "MacAddressIgnored: Docker assigned "
              + endpoint.macAddress()
              + " instead of "
              + desired.macAddress()
              + " (Docker Engines ignore the MAC address on connect before API 1.54)");
    }
    base.warnings = all.isEmpty() ? null : List.copyOf(all);
    String message =
        c.running()
            ? "container "
                + c.name()
                + " is attached to "
                + net.name()
                + " at "
                + describeAddress(endpoint)
            : "container "
                + c.name()
                + " is not running; Docker connects it to "
                + net.name()
                + " as declared when it starts";
    if (!all.isEmpty()) {
      message += "; warning: " + String.join("; ", all);
    }
    return PassReport.of(
        base, c.running() ? AttachmentReason.Attached : AttachmentReason.Configured, message);
  }

  static String describeAddress(ContainerEndpoint e) {
    List<String> parts = new ArrayList<>();
    if (e.ipv4Address() != null) {
      parts.add(e.ipv4Address() + "/" + e.ipv4PrefixLength());
    }
    if (e.ipv6Address() != null) {
      parts.add(e.ipv6Address() + "/" + e.ipv6PrefixLength());
    }
    if (parts.isEmpty() && e.configuredIpv4() != null) {
      parts.add(e.configuredIpv4() + " once started");
    }
    return parts.isEmpty() ? "no address" : String.join(", ", parts);
  }

  /** As `docker ps` shows it: 0.0.0.0:43000->80/tcp. */
  private static String port(PublishedPort p) {
    String host = p.hostIp() == null ? "" : Addresses.canonicalAddress(p.hostIp());
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return host + ":" + p.hostPort() + "->" + p.containerPort() + "/" + p.protocol();
  }
}
