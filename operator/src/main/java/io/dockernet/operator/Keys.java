package io.dockernet.operator;

/** Every label, annotation, finalizer and field-manager name the operator uses, in one place. */
public final class Keys {

  /** Docker label on every network the operator created: who manages it. */
  public static final String DOCKER_MANAGED_BY = "io.dockernet.managed-by";

  public static final String DOCKER_MANAGED_BY_VALUE = "dockernet-operator";

  /** Docker label: UID of the DockerNetwork that owns the network. */
  public static final String DOCKER_OWNER_UID = "io.dockernet.owner-uid";

  /** Docker label: name of the DockerNetwork that owns the network (for humans). */
  public static final String DOCKER_OWNER_NAME = "io.dockernet.owner-name";

  /** Docker label: hash of the spec the network was created from. */
  public static final String DOCKER_SPEC_HASH = "io.dockernet.spec-hash";

  /**
   * Docker label a container carries to opt in to being attached (under the cluster's default
   * attachment policy, OptIn): {@code docker run --label io.dockernet.attachable=true}.
   */
  public static final String DOCKER_ATTACHABLE = "io.dockernet.attachable";

  /** Kubernetes label on per-node state objects: the node they describe. */
  public static final String NODE_LABEL = "dockernet.io/node";

  /** Kubernetes label on DockerNetworkNodeState objects: the DockerNetwork they describe. */
  public static final String DOCKER_NETWORK_LABEL = "dockernet.io/docker-network";

  /** Kubernetes label on ContainerAttachmentNodeState objects: their ContainerAttachment. */
  public static final String ATTACHMENT_LABEL = "dockernet.io/container-attachment";

  /**
   * Prefix of the per-node finalizers on parent objects. Each agent holds its own, so deletion
   * waits until every node that had the object has cleaned up.
   */
  public static final String NODE_FINALIZER_PREFIX = "nodes.dockernet.io/";

  /**
   * Kubernetes label on the agents' heartbeat Leases (one per node, in the release namespace, as
   * kubelet keeps one per node in kube-node-lease): the controller watches Leases by it.
   */
  public static final String HEARTBEAT_LABEL = "dockernet.io/agent-heartbeat";

  /**
   * Kubernetes annotation on an agent's heartbeat Lease: the fingerprint of the build and node
   * policy it runs by ({@code PassRules}), which the next agent compares with its own.
   */
  public static final String PASS_RULES = "dockernet.io/pass-rules";

  /** Name prefix of the agents' heartbeat Leases; the chart's admission policy checks it. */
  public static final String HEARTBEAT_LEASE_PREFIX = "dockernet-heartbeat-";

  /** Field manager prefix of agents; the node name follows. */
  public static final String AGENT_FIELD_MANAGER_PREFIX = "dockernet-agent-";

  /** Field manager of the controller role. */
  public static final String CONTROLLER_FIELD_MANAGER = "dockernet-controller";

  private Keys() {}
}
