package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * A network replacement in progress on one node, written to the node's report before the first
 * endpoint is disconnected: the network as it was (for a rollback) and every endpoint to put back.
 * An agent that starts again (after SIGKILL, SIGTERM or a crash) resumes from it; it is cleared
 * only once every endpoint is back, or known lost with the reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkJournal {

  @JsonPropertyDescription("Why the network is replaced: Recreate (a spec change) or Adopt.")
  public String operation;

  @JsonPropertyDescription("The generation of the DockerNetwork that started the change.")
  public Long generation;

  @JsonPropertyDescription("When the change started (RFC 3339).")
  public String startedAt;

  @JsonPropertyDescription("ID of the Docker network being replaced.")
  public String oldNetworkId;

  @JsonPropertyDescription(
      "The Docker network as it was, to put back if Docker refuses the new one.")
  public JournaledNetwork previous;

  @JsonPropertyDescription(
      "Set once Docker refused the new network: its answer. The network is then put back as it"
          + " was, with its endpoints.")
  public String rollback;

  @JsonPropertyDescription("Every endpoint the network had, and whether it is back.")
  public List<EndpointSnapshot> endpoints;
}
