package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.docker.FaultPoint.Fault;
import io.dockernet.operator.node.ReportStore;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault at every Docker step of the two changes that disconnect endpoints, on a real API server
 * and real daemons: replacing a network (a spec change Docker can only make by recreating it) that
 * carries an attachment's static endpoint and two containers the operator does not manage (static
 * and dynamic, with aliases), and reconnecting an attachment with a new address. Faults: the agent
 * process SIGKILLed or SIGTERMed after step k (k = 0 is before the first), Docker refusing step k,
 * step k done but its answer lost (a timeout), and a container joining the network just before the
 * remove. The agent is the shipped code with a fault point in its Docker gateway ({@link
 * FaultyAgent}), as its own OS process, started again when it died. Every trial ends with every
 * endpoint back (same address, static address, aliases), the node converged, and nothing else the
 * operator does not own touched. Trials alternate between node-a and node-b. Subnets 198.18.240.x.
 */
@ExtendWith(TestBedExtension.class)
class FaultPointsIT {

  private static final Logger LOG = LoggerFactory.getLogger(FaultPointsIT.class);
  private static final List<String> NODES = List.of("node-a", "node-b");

  /** Steps of a replacement here: 3 disconnects, remove, create, 3 connects. */
  private static final int REPLACE_STEPS = 8;

  /** Steps of a reconnect: disconnect, connect. */
  private static final int RECONNECT_STEPS = 2;

  @RegisterExtension static final FaultBed fault = new FaultBed("fault-points");
  private static final Map<String, OperatorProcess> agents = new LinkedHashMap<>();
  private static final Map<String, Path> controls = new LinkedHashMap<>();
  private static final Set<String> handAttached = new HashSet<>();
  private static final List<String> done = new ArrayList<>();
  private static Map<String, TestNode> nodes;
  private static int armed;
  private static int trialIndex;

  /** One trial: a change, a fault, the step it hits, and how the agent dies (kill, term, -). */
  record Trial(String change, Fault fault, int step, String die) {
    @Override
    public String toString() {
      return change + ": " + (die.equals("-") ? fault.name() : die) + " at step " + step;
    }
  }

  static Stream<Trial> trials() {
    List<Trial> out = new ArrayList<>();
    for (String change : List.of("replace", "reconnect")) {
      int steps = change.equals("replace") ? REPLACE_STEPS : RECONNECT_STEPS;
      for (String die : List.of("kill", "term")) {
        for (int k = 0; k <= steps; k++) {
          out.add(new Trial(change, k == 0 ? Fault.DIE_BEFORE : Fault.DIE_AFTER, k, die));
        }
      }
      for (Fault fault : List.of(Fault.REFUSE, Fault.TIMEOUT_AFTER)) {
        for (int k = 1; k <= steps; k++) {
          out.add(new Trial(change, fault, k, "-"));
        }
      }
    }
    out.add(new Trial("replace", Fault.JOIN_BEFORE_REMOVE, 4, "-"));
    return out.stream();
  }

  @BeforeAll
  static void start() throws IOException {
    nodes = FaultSupport.nodes(fault.bed(), NODES);
    fault.startController();
    fault.closeAtEnd(() -> agents.values().forEach(OperatorProcess::close));
    for (int i = 0; i < NODES.size(); i++) {
      String node = NODES.get(i);
      TestNode n = fault.bed().node(node);
      Path control = Path.of("target", "fault", "points-" + node + ".control").toAbsolutePath();
      Files.createDirectories(control.getParent());
      Files.writeString(control, "");
      controls.put(node, control);
      agents.put(node, startAgent(node));
      String subnet = FaultSubnets.subnet(240, i);
      FaultSupport.runManagedContainer(n, "m-web-" + node);
      FaultSupport.runManagedContainer(n, "u-joiner-" + node);
      fault
          .kube()
          .resource(Fixtures.onNode(Fixtures.network(network(node), subnet), node))
          .create();
      fault
          .kube()
          .resource(
              Fixtures.attachment(
                  attachment(node),
                  "m-web-" + node,
                  network(node),
                  FaultSubnets.address(subnet, 2),
                  "m-web-" + node))
          .create();
      // The managed endpoint first: it takes .2, the address Docker would give the unmanaged
      // dynamic container next if that came first (the attachment then rightly reports
      // AddressInUse, and the test bed is not what the trials expect).
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  n.docker()
                      .inspectContainerCmd("m-web-" + node)
                      .exec()
                      .getNetworkSettings()
                      .getNetworks()
                      .containsKey(network(node)));
      handAttached.addAll(
          FaultSupport.unmanagedOn(n, network(node), FaultSubnets.address(subnet, 10)));
    }
    FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(2));
  }

  @AfterAll
  static void stop() {
    LOG.info("fault point trials done ({}):\n  {}", done.size(), String.join("\n  ", done));
    NODES.forEach(node -> FaultSupport.disconnectUnmanaged(fault.bed().node(node), network(node)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trials")
  void everyEndpointIsBackAfterTheFault(Trial trial) throws IOException {
    String node = NODES.get(trialIndex++ % NODES.size());
    TestNode n = fault.bed().node(node);
    Map<String, EndpointsKept.Endpoint> before =
        EndpointsKept.snapshot(Map.of(node, n), FaultSupport.UNMANAGED_ON_MANAGED);
    Map<String, Map<String, String>> foreign = FaultSupport.foreignSnapshot(nodes, Set.of());
    if (trial.fault() == Fault.JOIN_BEFORE_REMOVE) {
      handAttached.add(node + "/" + network(node) + "/u-joiner-" + node);
    }

    arm(node, trial);
    if (trial.change().equals("replace")) {
      Fixtures.label(fault.kube(), network(node), "trial", String.valueOf(armed));
    } else {
      moveAttachment(node);
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !agents.get(node).alive() || settled(node));
    assertThat(fired(node)).as("the fault hit, at the step armed").startsWith(armed + " ");
    if (!trial.die().equals("-")) {
      // SIGTERM lets the work under way finish before the process exits.
      await().atMost(Duration.ofSeconds(60)).until(() -> !agents.get(node).alive());
    }
    Files.writeString(controls.get(node), "");
    if (!agents.get(node).alive()) {
      agents.put(node, startAgent(node));
    }
    if (refused(node)) {
      // A refused change is put back and not retried; the next change converges.
      Fixtures.label(fault.kube(), network(node), "trial", armed + "-again");
    }
    FaultSupport.awaitConverged(fault.kube(), nodes, handAttached, Duration.ofMinutes(2));

    assertThat(
            EndpointsKept.lostOrChanged(
                before, EndpointsKept.snapshot(Map.of(node, n), FaultSupport.UNMANAGED_ON_MANAGED)))
        .as("endpoints lost or changed on %s after %s", node, trial)
        .isEmpty();
    FaultSupport.assertForeignUnchanged(foreign, nodes, Set.of());
    if (trial.fault() == Fault.JOIN_BEFORE_REMOVE) {
      assertThat(EndpointsKept.snapshot(Map.of(node, n), name -> name.startsWith("u-joiner")))
          .as("the container that joined during the replacement is on the network")
          .containsKey(node + " u-joiner-" + node + "@" + network(node));
      n.docker()
          .disconnectFromNetworkCmd()
          .withNetworkId(network(node))
          .withContainerId("u-joiner-" + node)
          .exec();
      handAttached.remove(node + "/" + network(node) + "/u-joiner-" + node);
    }
    done.add(
        trial
            + " on "
            + node
            + " ("
            + fired(node).substring(fired(node).indexOf(' ') + 1)
            + "): every endpoint back");
  }

  private static void arm(String node, Trial trial) throws IOException {
    armed++;
    int at = Math.max(1, trial.step());
    String die = trial.die().equals("-") ? "kill" : trial.die();
    Files.writeString(
        controls.get(node),
        armed + " " + trial.fault().name() + " " + at + " " + die + " u-joiner-" + node);
  }

  /** What the agent's fault point wrote when it hit ("" before). */
  private static String fired(String node) throws IOException {
    Path marker = controls.get(node).resolveSibling(controls.get(node).getFileName() + ".fired");
    return Files.exists(marker) ? Files.readString(marker) : "";
  }

  private static OperatorProcess startAgent(String node) {
    return fault.agentProcess(
        node,
        Path.of("target", "fault", "points-agent-" + node + ".log"),
        controls.get(node),
        "agent-" + node);
  }

  /**
   * Moves the attachment between the subnet's second and twentieth host (the dynamic container
   * holds the third).
   */
  private static void moveAttachment(String node) {
    ContainerAttachment ca =
        fault.kube().resources(ContainerAttachment.class).withName(attachment(node)).get();
    String subnet = FaultSubnets.subnet(240, NODES.indexOf(node));
    String next =
        ca.getSpec().ipv4Address.equals(FaultSubnets.address(subnet, 2))
            ? FaultSubnets.address(subnet, 20)
            : FaultSubnets.address(subnet, 2);
    fault
        .kube()
        .resources(ContainerAttachment.class)
        .withName(attachment(node))
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"ipv4Address\":\"" + next + "\"}}");
  }

  private static boolean settled(String node) {
    return refused(node) || EndState.problems(fault.kube(), nodes, handAttached).isEmpty();
  }

  private static boolean refused(String node) {
    DockerNetworkNodeState report =
        fault
            .kube()
            .resources(DockerNetworkNodeState.class)
            .withName(ReportStore.nameFor(network(node), node))
            .get();
    return report != null
        && report.getStatus() != null
        && report.getStatus().journal == null
        && "RecreateRefused".equals(report.getStatus().reason);
  }

  private static String network(String node) {
    return "fp-" + node;
  }

  private static String attachment(String node) {
    return "fp-web-" + node;
  }

  static {
    try {
      Files.createDirectories(Path.of("target", "fault"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
