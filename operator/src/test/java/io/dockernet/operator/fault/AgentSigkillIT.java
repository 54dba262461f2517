package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of two nodes, real OS processes running the packaged jar, one on Engine 20.10 and one
 * on 28.5.2 refusing API versions below 1.44 (the test bed's first two Engines), are SIGKILLed at
 * random points of their work, over and over, taking turns: right after the k-th Docker change the
 * agent makes on its node for a batch of creates, recreates, deletes, connects and disconnects (k
 * and a few milliseconds of extra delay drawn from a seeded random), then started again; the other
 * agent keeps working on the same objects meanwhile. After every trial: converged on both nodes,
 * nothing duplicated or leaked, nothing the operator does not own touched.
 *
 * <p>{@code -Dfault.sigkill.trials} (default 20) and {@code -Dfault.sigkill.seed} (default: a fixed
 * regression seed; {@code random} for a fresh one, logged) control the run; rerun a failure with
 * its logged seed. A network that lives through every trial carries containers the operator does
 * not manage; their endpoints must survive every kill. Subnets 198.18.212-213.x.
 */
@ExtendWith(TestBedExtension.class)
class AgentSigkillIT {

  private static final Logger LOG = LoggerFactory.getLogger(AgentSigkillIT.class);
  private static final int SLOTS = 6;
  private static final List<String> CONTAINERS = List.of("m-1", "m-2", "m-3");

  /** The seed CI runs: the one that found the leaked endpoint of session 2, kept as a case. */
  private static final long REGRESSION_SEED = 19493593462420L;

  private static final String STABLE = "kill-stable";
  private static final String STABLE_SUBNET = FaultSubnets.subnet(213, 3);
  @RegisterExtension static final FaultBed fault = new FaultBed("fault-sigkill");
  private static List<String> nodeNames;
  private static final Map<String, OperatorProcess> agents = new TreeMap<>();

  @BeforeAll
  static void start() {
    fault.startController();
    fault.closeAtEnd(() -> agents.values().forEach(OperatorProcess::close));
    nodeNames = fault.bed().onePerEngine().subList(0, 2);
  }

  /** Every agent running again, so that it takes its finalizers off the objects deleted next. */
  @AfterAll
  static void stop() {
    for (String node : nodeNames) {
      OperatorProcess agent = agents.get(node);
      if (agent == null || !agent.alive()) {
        agents.put(node, startAgent(node));
      }
    }
    nodeNames.forEach(n -> FaultSupport.disconnectUnmanaged(fault.bed().node(n), STABLE));
  }

  @Test
  void anAgentKilledAtRandomPointsOfReconciliationAlwaysConvergesAfterRestart() throws Exception {
    int trials = Integer.getInteger("fault.sigkill.trials", 20);
    long seed = FaultSeeds.seed("fault.sigkill.seed", REGRESSION_SEED);
    LOG.info(
        "SIGKILL trials: {} with seed {} (-Dfault.sigkill.seed={} repeats them)",
        trials,
        seed,
        seed);
    Random random = new Random(seed);
    Map<String, TestNode> nodes = FaultSupport.nodes(fault.bed(), nodeNames);
    for (TestNode node : nodes.values()) {
      FaultSupport.createForeignObjects(node);
      CONTAINERS.forEach(c -> FaultSupport.runManagedContainer(node, c));
    }
    Map<String, Map<String, String>> before = FaultSupport.foreignSnapshot(nodes, Set.of());
    nodeNames.forEach(n -> agents.put(n, startAgent(n)));
    // A network that lives through every trial, with an admin's containers on it on each node.
    fault
        .kube()
        .resource(Fixtures.onNodes(Fixtures.network(STABLE, STABLE_SUBNET), nodeNames))
        .create();
    Set<String> handAttached = new java.util.HashSet<>();
    for (TestNode node : nodes.values()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !node.docker().listNetworksCmd().withNameFilter(STABLE).exec().isEmpty());
      handAttached.addAll(
          FaultSupport.unmanagedOn(node, STABLE, FaultSubnets.address(STABLE_SUBNET, 10)));
    }
    Map<String, EndpointsKept.Endpoint> endpoints =
        EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED);

    Map<Integer, Integer> generation = new TreeMap<>(); // slot → label value; absent: no network
    List<String> killedAt = new ArrayList<>();
    for (int trial = 1; trial <= trials; trial++) {
      int k = 1 + random.nextInt(6);
      int jitterMillis = random.nextInt(150);
      List<String> batch = new ArrayList<>();
      int t = trial;
      // The agents take turns: odd trials kill the first node's, even ones the second's.
      TestNode node = nodes.get(nodeNames.get((trial - 1) % nodeNames.size()));
      int seen =
          killAfterDockerEvents(
              node, k, jitterMillis, () -> batch.addAll(applyRandomBatch(random, generation, t)));
      killedAt.add(
          "trial "
              + trial
              + ": "
              + batch
              + " agent of "
              + node.name()
              + " ("
              + node.engine()
              + ") killed after "
              + seen
              + "/"
              + k
              + " Docker events +"
              + jitterMillis
              + "ms");
      LOG.info("{}", killedAt.get(killedAt.size() - 1));
      agents.put(node.name(), startAgent(node.name()));
      FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(2));
      FaultSupport.assertForeignUnchanged(before, nodes, Set.of());
      assertThat(
              EndpointsKept.lostOrChanged(
                  endpoints, EndpointsKept.snapshot(nodes, FaultSupport.UNMANAGED_ON_MANAGED)))
          .as("unmanaged endpoints after trial %d (seed %d)", trial, seed)
          .isEmpty();
    }
    LOG.info("SIGKILL trials (seed {}):\n  {}", seed, String.join("\n  ", killedAt));
    assertThat(killedAt).hasSize(trials);
  }

  /**
   * Two to four random changes: create a network (with attachments), change one (a recreate that
   * must reconnect its endpoints), delete one (its attachments first), attach or detach a
   * container.
   */
  private static List<String> applyRandomBatch(
      Random random, Map<Integer, Integer> generation, int trial) {
    List<String> done = new ArrayList<>();
    if (random.nextBoolean()) {
      Fixtures.label(fault.kube(), STABLE, "trial", String.valueOf(trial));
      done.add("recreate " + STABLE + " (with unmanaged endpoints)");
    }
    int changes = 2 + random.nextInt(3);
    for (int c = 0; c < changes; c++) {
      int slot = random.nextInt(SLOTS);
      String net = "kill-" + slot;
      String subnet = FaultSubnets.subnet(212, slot);
      if (!generation.containsKey(slot)) {
        createOnceGone(
            Fixtures.withLabel(
                Fixtures.onNodes(Fixtures.network(net, subnet), nodeNames),
                "trial",
                String.valueOf(trial)));
        generation.put(slot, trial);
        String container = CONTAINERS.get(random.nextInt(CONTAINERS.size()));
        attach(net, subnet, container);
        done.add("create " + net + "+" + container);
        continue;
      }
      switch (random.nextInt(3)) {
        case 0 -> {
          Fixtures.label(fault.kube(), net, "trial", String.valueOf(trial));
          generation.put(slot, trial);
          done.add("recreate " + net);
        }
        case 1 -> {
          for (String container : CONTAINERS) {
            fault
                .kube()
                .resources(ContainerAttachment.class)
                .withName(container + "-" + net)
                .delete();
          }
          fault.kube().resources(DockerNetwork.class).withName(net).delete();
          generation.remove(slot);
          done.add("delete " + net);
        }
        default -> {
          String container = CONTAINERS.get(random.nextInt(CONTAINERS.size()));
          if (fault
                  .kube()
                  .resources(ContainerAttachment.class)
                  .withName(container + "-" + net)
                  .get()
              == null) {
            attach(net, subnet, container);
            done.add("attach " + container + " to " + net);
          } else {
            fault
                .kube()
                .resources(ContainerAttachment.class)
                .withName(container + "-" + net)
                .delete();
            done.add("detach " + container + " from " + net);
          }
        }
      }
    }
    return done;
  }

  /** What the agent last reported about a parent object, for a failure message. */
  private static List<String> reportsOf(String parent) {
    List<String> out = new ArrayList<>();
    fault.kube().resources(DockerNetworkNodeState.class).list().getItems().stream()
        .filter(r -> r.getStatus() != null && parent.equals(r.getStatus().dockerNetwork))
        .forEach(
            r ->
                out.add(
                    r.getStatus().phase
                        + "/"
                        + r.getStatus().reason
                        + ": "
                        + r.getStatus().message));
    fault.kube().resources(ContainerAttachmentNodeState.class).list().getItems().stream()
        .filter(r -> r.getStatus() != null && parent.equals(r.getStatus().containerAttachment))
        .forEach(
            r ->
                out.add(
                    r.getStatus().phase
                        + "/"
                        + r.getStatus().reason
                        + ": "
                        + r.getStatus().message));
    return out;
  }

  private static void attach(String net, String subnet, String container) {
    int host = 10 + CONTAINERS.indexOf(container);
    createOnceGone(
        Fixtures.attachment(
            container + "-" + net, container, net, FaultSubnets.address(subnet, host), container));
  }

  /**
   * Creates the object once an earlier one of its name, deleted by this batch or the one before, is
   * gone: the agent still has to remove its finalizer, and the API server refuses a create
   * meanwhile.
   */
  private static void createOnceGone(HasMetadata object) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(fault.kube().resource(object).get())
                    .as(
                        "%s %s still there; reports: %s",
                        object.getKind(),
                        object.getMetadata().getName(),
                        reportsOf(object.getMetadata().getName()))
                    .isNull());
    fault.kube().resource(object).create();
  }

  /**
   * Subscribes to the daemon's network events, applies the batch, waits for the agent's k-th
   * network change on the daemon (create, destroy, connect, disconnect), or at most a few seconds
   * if it makes fewer, then the jitter, then SIGKILLs it. Returns how many changes it had made.
   */
  private static int killAfterDockerEvents(TestNode node, int k, int jitterMillis, Runnable batch)
      throws Exception {
    AtomicInteger seen = new AtomicInteger();
    CountDownLatch reached = new CountDownLatch(1);
    try (ResultCallback.Adapter<Event> events =
        node.docker()
            .eventsCmd()
            .withEventTypeFilter(EventType.NETWORK)
            .exec(
                new ResultCallback.Adapter<>() {
                  @Override
                  public void onNext(Event event) {
                    if (seen.incrementAndGet() >= k) {
                      reached.countDown();
                    }
                  }
                })) {
      events.awaitStarted(10, TimeUnit.SECONDS);
      batch.run();
      reached.await(5, TimeUnit.SECONDS);
      Thread.sleep(jitterMillis); // a random point after the k-th change, not a wait for a state
      int status = agents.get(node.name()).kill();
      assertThat(status).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
      return seen.get();
    }
  }

  private static OperatorProcess startAgent(String node) {
    return fault.agentProcess(
        node, Path.of("target", "fault", "sigkill-agent-" + node + ".log"), null, "agent-" + node);
  }
}
