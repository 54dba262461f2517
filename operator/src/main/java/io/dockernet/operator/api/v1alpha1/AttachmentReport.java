package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Where one container is plugged in on one node (`docker inspect`, `brctl show`). */
@JsonClassDescription("Where the container is plugged in on this node, as its agent saw it.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttachmentReport extends NodeReport {

  @JsonPropertyDescription("The ContainerAttachment this report belongs to.")
  public String containerAttachment;

  @JsonPropertyDescription("Container ID.")
  public String containerId;

  @JsonPropertyDescription("Container name.")
  public String containerName;

  @JsonPropertyDescription("The container's network mode (bridge, host, none, container:ID, ...).")
  public String networkMode;

  @JsonPropertyDescription("Docker network ID.")
  public String networkId;

  @JsonPropertyDescription("Endpoint ID.")
  public String endpointId;

  @JsonPropertyDescription("IPv4 address actually assigned.")
  public String ipv4Address;

  @JsonPropertyDescription("IPv4 prefix length.")
  public Integer ipv4PrefixLength;

  @JsonPropertyDescription("IPv6 address actually assigned.")
  public String ipv6Address;

  @JsonPropertyDescription("IPv6 prefix length.")
  public Integer ipv6PrefixLength;

  @JsonPropertyDescription("MAC address of the endpoint.")
  public String macAddress;

  @JsonPropertyDescription("Gateway of the endpoint.")
  public String gateway;

  @JsonPropertyDescription("Linux bridge the endpoint is plugged into.")
  public String bridge;

  @JsonPropertyDescription("Host-side veth interface of the endpoint.")
  public String hostInterface;

  @JsonPropertyDescription("Published ports (read-only: Docker cannot add ports to a container).")
  public List<String> publishedPorts;

  @JsonPropertyDescription("Warnings that do not stop the attachment (e.g. static IP in ipRange).")
  public List<String> warnings;

  @JsonPropertyDescription(
      "True when the container was already on the network before this attachment: the endpoint"
          + " is then left connected, as it was, when the attachment goes.")
  public Boolean adopted;

  @JsonPropertyDescription(
      "The endpoint as it was before this attachment changed it (adopted endpoints only); put"
          + " back when the attachment goes.")
  public EndpointSnapshot adoptedEndpoint;

  @JsonPropertyDescription(
      "A connect or reconnect in progress on this node, written before the Docker call.")
  public AttachmentJournal journal;
}
