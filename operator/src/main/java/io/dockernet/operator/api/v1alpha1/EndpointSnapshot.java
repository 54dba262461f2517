package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/**
 * One container's endpoint on one network, recorded before the operator disconnects it, so that it
 * can be put back exactly as it was by whichever agent process runs next.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointSnapshot {

  /** What became of a recorded endpoint. */
  public enum State {
    /** Not back yet. */
    Pending,
    /** Connected again. */
    Restored,
    /** Cannot come back: its container was removed meanwhile. */
    Lost,
    /** Not put back on purpose: the ContainerAttachment that made it was deleted meanwhile. */
    Released
  }

  @JsonPropertyDescription("Container ID.")
  public String containerId;

  @JsonPropertyDescription("Container name.")
  public String containerName;

  @JsonPropertyDescription(
      "The ContainerAttachment that made this endpoint; unset for an endpoint the operator does"
          + " not manage.")
  public String attachment;

  @JsonPropertyDescription("IPv4 address the endpoint had.")
  public String ipv4Address;

  @JsonPropertyDescription("IPv6 address the endpoint had.")
  public String ipv6Address;

  @JsonPropertyDescription("Static IPv4 address it was configured with (`--ip`), if any.")
  public String staticIpv4;

  @JsonPropertyDescription("Static IPv6 address it was configured with (`--ip6`), if any.")
  public String staticIpv6;

  @JsonPropertyDescription("Network-scoped aliases.")
  public List<String> aliases;

  @JsonPropertyDescription("Links to other containers.")
  public List<String> links;

  @JsonPropertyDescription("Link-local addresses.")
  public List<String> linkLocalIps;

  @JsonPropertyDescription("MAC address.")
  public String macAddress;

  @JsonPropertyDescription("Endpoint driver options.")
  public Map<String, String> driverOpts;

  @JsonPropertyDescription("Pending, Restored, Lost or Released.")
  public State state;

  @JsonPropertyDescription("Why it is not back yet, or why it cannot come back.")
  public String message;
}
