package io.dockernet.operator.node;

import io.dockernet.operator.DaemonThreads;
import io.dockernet.operator.Hashes;
import io.dockernet.operator.Keys;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's sign of life: it renews a Lease of its own node in the release namespace every {@link
 * #RENEW} (as kubelet does in kube-node-lease), so that the controller counts only nodes where an
 * agent runs ({@link LiveAgents}). The Lease is owned by the Node, so the cluster's garbage
 * collector removes it with the Node; it is left in place when the agent stops, so a restarting
 * agent (a rolling update) does not drop its node from any summary while it is away briefly.
 */
public final class AgentHeartbeat implements AutoCloseable {

  /** How often the Lease is renewed. */
  public static final Duration RENEW = Duration.ofSeconds(10);

  /** How often a starting agent looks whether it has passed over every object yet. */
  private static final Duration CHECKED_POLL = Duration.ofMillis(500);

  /** How long a Lease counts after its last renewal: several missed renewals, as kubelet's 40 s. */
  public static final Duration LEASE_DURATION = Duration.ofSeconds(40);

  private static final Logger LOG = LoggerFactory.getLogger(AgentHeartbeat.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String nodeName;
  private final String fieldManager;
  private final PassRules rules;
  private final BooleanSupplier checkedAll;
  private volatile boolean checked;
  private ScheduledFuture<?> awaitingChecks;
  private final ScheduledExecutorService timer = DaemonThreads.single("agent-heartbeat");
  private String nodeUid;
  private boolean failing;

  /**
   * @param rules what this agent's passes follow, kept on the Lease for the next agent once {@code
   *     checkedAll} says this agent has passed over every object: until then the Lease names no
   *     rules (the previous agent's go with the first renewal), so an agent that stops before it
   *     checked everything leaves its successor nothing to trust by
   */
  public AgentHeartbeat(
      KubernetesClient client,
      String namespace,
      String nodeName,
      PassRules rules,
      BooleanSupplier checkedAll) {
    this.client = client;
    this.rules = rules;
    this.checkedAll = checkedAll;
    this.namespace = namespace;
    this.nodeName = nodeName;
    this.fieldManager = Keys.AGENT_FIELD_MANAGER_PREFIX + nodeName;
  }

  /** The Lease name of a node's agent: readable, hashed only when too long for a name. */
  public static String leaseName(String nodeName) {
    String name = Keys.HEARTBEAT_LEASE_PREFIX + nodeName;
    return name.length() <= 253
        ? name
        : Keys.HEARTBEAT_LEASE_PREFIX + Hashes.sha256Hex(nodeName, 16).substring(0, 32);
  }

  /**
   * Renews once now (so the node counts from the start), then every {@link #RENEW}; and once this
   * agent has passed over every object, at once, to name its rules on the Lease (an agent restarted
   * a few seconds later then finds them). All on the heartbeat's own thread.
   *
   * @return the first renewal, which drops the previous agent's rules: the agent waits for it
   *     before its first pass, and sets up the rest of its start meanwhile
   */
  public Future<?> start() {
    Future<?> first = timer.submit(this::renew);
    awaitingChecks =
        timer.scheduleWithFixedDelay(
            this::renewOnceChecked,
            CHECKED_POLL.toMillis(),
            CHECKED_POLL.toMillis(),
            TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        this::renew, RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
    return first;
  }

  private void renewOnceChecked() {
    if (passedAll()) {
      checked = true; // for good: an object made later does not unsay the rules its reports met
      renew();
      awaitingChecks.cancel(false);
    }
  }

  /** False while the caches cannot say, e.g. before this agent holds its node's Lease. */
  private boolean passedAll() {
    try {
      return checkedAll.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.debug("Not yet known whether every object had its pass: {}", e.toString());
      return false;
    }
  }

  private void renew() {
    try {
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      client
          .leases()
          .inNamespace(namespace)
          .resource(lease(now))
          .fieldManager(fieldManager)
          .forceConflicts()
          .serverSideApply();
      if (failing) {
        LOG.info("Heartbeat Lease {}/{} renewed again", namespace, leaseName(nodeName));
        failing = false;
      }
    } catch (KubernetesClientException e) {
      // Logged once per failure streak: the controller shows the node as without agent meanwhile.
      if (!failing) {
        LOG.warn(
            "Cannot renew heartbeat Lease {}/{}: {}",
            namespace,
            leaseName(nodeName),
            e.getMessage());
        failing = true;
      }
    }
  }

  private Lease lease(ZonedDateTime now) {
    LeaseBuilder lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(leaseName(nodeName))
            .withNamespace(namespace)
            .addToLabels(Keys.HEARTBEAT_LABEL, "true")
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(nodeName)
            .withLeaseDurationSeconds((int) LEASE_DURATION.toSeconds())
            .withRenewTime(now)
            .endSpec();
    if (checked) {
      lease.editMetadata().addToAnnotations(Keys.PASS_RULES, rules.fingerprint()).endMetadata();
    }
    String uid = nodeUid();
    if (uid != null) {
      lease
          .editMetadata()
          .withOwnerReferences(
              new OwnerReferenceBuilder()
                  .withApiVersion("v1")
                  .withKind("Node")
                  .withName(nodeName)
                  .withUid(uid)
                  .build())
          .endMetadata();
    }
    return lease.build();
  }

  /**
   * The Node's UID for the owner reference; looked up until found (listing is what RBAC allows).
   */
  private String nodeUid() {
    if (nodeUid == null) {
      List<Node> nodes = client.nodes().withField("metadata.name", nodeName).list().getItems();
      nodeUid = nodes.isEmpty() ? null : nodes.get(0).getMetadata().getUid();
    }
    return nodeUid;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
