package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.ip.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The endpoint a ContainerAttachment asks for, in canonical form, and how a configured endpoint
 * differs from it. Pure: no I/O.
 */
public final class DesiredEndpoint {

  /** Docker's default network, which has no user-configured subnet. */
  public static final String DEFAULT_BRIDGE = "bridge";

  private DesiredEndpoint() {}

  /** The connect request for this attachment: canonical addresses, no duplicate aliases. */
  public static EndpointRequest from(ContainerAttachment attachment) {
    ContainerAttachmentSpec spec = specOf(attachment);
    return new EndpointRequest(
        canonical(spec.ipv4Address),
        canonical(spec.ipv6Address),
        List.of(),
        distinct(spec.aliases),
        distinct(spec.links),
        spec.macAddress == null ? null : spec.macAddress.toLowerCase(Locale.ROOT),
        spec.driverOpts == null ? Map.of() : new TreeMap<>(spec.driverOpts));
  }

  /** The spec, never null. */
  public static ContainerAttachmentSpec specOf(ContainerAttachment attachment) {
    return attachment.getSpec() == null ? new ContainerAttachmentSpec() : attachment.getSpec();
  }

  /**
   * What differs between the requested endpoint and the one the container is configured with, in
   * words; empty when nothing does. Compares configured values (what connect was called with), not
   * assigned ones, and leaves out the MAC address: Engine 20.10 ignores it on connect, so it would
   * differ forever.
   */
  public static List<String> differences(EndpointRequest desired, ContainerEndpoint actual) {
    List<String> out = new ArrayList<>();
    compare(out, "ipv4Address", desired.ipv4Address(), canonical(actual.configuredIpv4()));
    compare(out, "ipv6Address", desired.ipv6Address(), canonical(actual.configuredIpv6()));
    compareSets(out, "aliases", desired.aliases(), actual.aliases());
    compareSets(out, "links", normalLinks(desired.links()), normalLinks(actual.links()));
    Map<String, String> opts = actual.driverOpts() == null ? Map.of() : actual.driverOpts();
    if (!new TreeMap<>(desired.driverOpts()).equals(new TreeMap<>(opts))) {
      out.add("driverOpts " + new TreeMap<>(opts) + " → " + new TreeMap<>(desired.driverOpts()));
    }
    return out;
  }

  private static void compare(List<String> out, String field, String want, String have) {
    if (!Objects.equals(want, have)) {
      out.add(field + " " + (have == null ? "unset" : have) + " → " + orUnset(want));
    }
  }

  private static void compareSets(
      List<String> out, String field, List<String> want, List<String> have) {
    TreeSet<String> w = new TreeSet<>(want == null ? List.of() : want);
    TreeSet<String> h = new TreeSet<>(have == null ? List.of() : have);
    if (!w.equals(h)) {
      out.add(field + " " + h + " → " + w);
    }
  }

  /** Docker may report links as {@code /other:/me/alias}; compare them as {@code other:alias}. */
  static List<String> normalLinks(List<String> links) {
    if (links == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String link : links) {
      String[] parts = link.split(":", 2);
      String target = strip(parts[0]);
      String alias = parts.length > 1 ? strip(parts[1]) : target;
      int slash = alias.lastIndexOf('/');
      out.add(target + ":" + (slash >= 0 ? alias.substring(slash + 1) : alias));
    }
    return out;
  }

  private static String strip(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }

  private static String orUnset(String value) {
    return value == null ? "unset" : value;
  }

  static String canonical(String address) {
    return address == null || address.isBlank() ? null : Addresses.canonicalAddress(address);
  }

  private static List<String> distinct(List<String> values) {
    return values == null ? List.of() : values.stream().distinct().toList();
  }
}
