package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A connect or reconnect in progress on one node, written before the Docker call: an agent that
 * starts again knows that the endpoint it finds is its own, and how to put back the endpoint a
 * failed reconnect replaced.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttachmentJournal {

  @JsonPropertyDescription("Connect (a new endpoint) or Reconnect (replacing the one below).")
  public String action;

  @JsonPropertyDescription("Docker network ID.")
  public String networkId;

  @JsonPropertyDescription("Container ID.")
  public String containerId;

  @JsonPropertyDescription("The endpoint a reconnect replaces, to put back if the connect fails.")
  public EndpointSnapshot previous;
}
