package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The part of a per-node report every kind shares: which node, how it stands and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeReport {

  @JsonPropertyDescription("The node this report is about.")
  public String nodeName;

  @JsonPropertyDescription("Pending, Ready, Waiting, Error, Conflict, Blocked or Deleting.")
  public Phase phase;

  @JsonPropertyDescription("Why the node is in this phase, as one CamelCase word.")
  public String reason;

  @JsonPropertyDescription("What happened, for humans.")
  public String message;

  @JsonPropertyDescription("The parent object's generation this report describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("When phase or reason last changed (RFC 3339).")
  public String lastTransitionTime;

  @JsonPropertyDescription(
      "The node's Docker Engine version, as it reports it (e.g. 28.5.2, 20.10.24+dfsg1).")
  public String engineVersion;

  @JsonPropertyDescription(
      "The Engine API version the agent speaks to it: the highest both sides support, never"
          + " below the Engine's minimum. Unset when there is none (EngineTooOld, EngineTooNew).")
  public String apiVersion;
}
