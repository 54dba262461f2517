package io.dockernet.operator.fault;

import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The stage of a fault IT, on the test bed that {@link TestBedExtension} starts. Before the class:
 * the CRDs installed, every object of an earlier test deleted, the node daemons cleaned. After it
 * (and after the class's own {@code @AfterAll}): its objects deleted while the roles it started
 * still run, then those roles closed, newest first, then the daemons cleaned (see {@link
 * FaultSupport#stopAll}).
 *
 * <pre>{@code
 * @ExtendWith(TestBedExtension.class)
 * class SomethingIT {
 *   @RegisterExtension static final FaultBed fault = new FaultBed("fault-something");
 *
 *   @BeforeAll
 *   static void start() {
 *     fault.startController();
 *     fault.startAgentsOnEveryNode();
 *   }
 * }
 * }</pre>
 */
final class FaultBed implements BeforeAllCallback, AfterAllCallback {

  private final String testNamespace;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private TestBed bed;
  private KubernetesClient kube;
  private RunningOperators agents;

  /**
   * @param testNamespace the class's own namespace for its Leases (with admin rights), and the name
   *     of its controller's log
   */
  FaultBed(String testNamespace) {
    this.testNamespace = testNamespace;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    bed = TestBed.get();
    kube = FaultSupport.cleanSlate(bed);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    FaultSupport.stopAll(bed, kube, started.toArray(new AutoCloseable[0]));
  }

  TestBed bed() {
    return bed;
  }

  /** The test bed's client, with admin rights. */
  KubernetesClient kube() {
    return kube;
  }

  /** Where the class's controller and agents keep their Leases. */
  String releaseNamespace() {
    return FaultSupport.releaseNamespace(testNamespace);
  }

  /** Closes {@code closeable} at the end of the class, before what was registered earlier. */
  <T extends AutoCloseable> T closeAtEnd(T closeable) {
    started.push(closeable);
    return closeable;
  }

  /** The controller as its own process ({@link FaultSupport#startController}). */
  OperatorProcess startController() {
    return closeAtEnd(FaultSupport.startController(bed, testNamespace));
  }

  /** The class's in-JVM agents, none started yet at first: closed from when first asked for. */
  RunningOperators agents() {
    if (agents == null) {
      agents = closeAtEnd(RunningOperators.agentsOnly(bed, releaseNamespace()));
    }
    return agents;
  }

  /** One in-JVM agent per test bed node, talking to the test bed's API server. */
  RunningOperators startAgentsOnEveryNode() {
    for (TestNode n : bed.nodes().values()) {
      agents().startAgent(n.name(), n.dockerHost(), bed.kubeConfigYaml());
    }
    return agents;
  }

  /**
   * The agent of {@code node} as its own OS process, as the pod {@code podName}, with a fault point
   * armed from {@code faultControl} (null: none); the class closes it (it may kill and restart it).
   */
  OperatorProcess agentProcess(String node, Path log, Path faultControl, String podName) {
    return OperatorProcess.agent(
        bed.node(node), bed.kubeConfigFile(), log, faultControl, podName, releaseNamespace());
  }
}
