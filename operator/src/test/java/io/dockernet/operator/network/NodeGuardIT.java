package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.chart.Commands;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node guard on a real node: node-a's agent reads the interfaces and routes of node-a's own
 * network namespace (as the chart's agent reads /proc/1/net with hostPID), where the test adds a
 * Linux bridge of the "host" ({@code dn-guard0}, 198.18.250.1/24, standing for cni0 or br0). A
 * DockerNetwork that would take that interface over as its bridge, or put a competing route over
 * its subnet, is refused with a reason the user reads in the node's report, and nothing changes on
 * the node; an ordinary network beside it is created as always.
 */
@ExtendWith(TestBedExtension.class)
class NodeGuardIT {

  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String NODE = "node-a";
  private static final String HOST_INTERFACE = "dn-guard0";

  private static TestBed bed;
  private static KubernetesClient kube;
  private static RunningOperators operators;

  @BeforeAll
  static void start(TestBed testBed) throws Exception {
    bed = testBed;
    kube = bed.kubernetesClient();
    bed.cleanDocker();
    removeHostInterface();
    // A Linux bridge of the node's own, as cni0 or br0 would be.
    ip("link", "add", HOST_INTERFACE, "type", "bridge");
    ip("addr", "add", "198.18.250.1/24", "dev", HOST_INTERFACE);
    ip("link", "set", HOST_INTERFACE, "up");
    operators = RunningOperators.start(bed); // installs the CRDs
    Fixtures.deleteAll(kube);
    // The daemon runs in the node's network namespace: its /proc/PID/net is the node's.
    Path pidFile = bed.node(NODE).socket().resolveSibling("dockerd.pid");
    String pid = Files.readString(pidFile).trim();
    operators.startAgent(NODE, NodePolicy.DEFAULTS.withHostNetDir(Path.of("/proc", pid, "net")));
  }

  @AfterAll
  static void stop() {
    try {
      if (operators != null) {
        Fixtures.deleteAll(kube);
      }
    } finally {
      if (operators != null) {
        operators.close();
      }
      removeHostInterface();
    }
  }

  @Test
  void aBridgeNameThatIsANodeInterfaceIsRefusedAndTheInterfaceIsLeftAlone() {
    List<String> before = hostAddresses();
    assertThat(before).contains("198.18.250.1/24");
    kube.resource(
            onNodeA(
                Fixtures.withBridge(
                    Fixtures.network("guard-takeover", "198.18.251.0/24"), HOST_INTERFACE)))
        .create();

    NetworkReport report = awaitReport("guard-takeover", "HostInterfaceProtected");

    assertThat(report.phase).isEqualTo(Phase.Error);
    assertThat(report.reason).isEqualTo("HostInterfaceProtected");
    assertThat(report.message)
        .contains("bridge name dn-guard0 is an interface of this node that no Docker network owns");
    assertThat(dockerNetworkNames()).doesNotContain("guard-takeover");
    assertThat(hostAddresses()).isEqualTo(before);
    assertThat(ip("-o", "link", "show", "dev", HOST_INTERFACE)).doesNotContain("master");
  }

  @Test
  void aSubnetOverNodesOwnRouteIsRefusedAndAnOrdinaryOneIsCreated() {
    kube.resource(onNodeA(Fixtures.network("guard-shadow", "198.18.250.0/25"))).create();
    kube.resource(onNodeA(Fixtures.network("guard-ordinary", "198.18.252.0/24"))).create();

    NetworkReport shadow = awaitReport("guard-shadow", "SubnetOverlapsHost");
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(NetworkTestSupport.report(kube, "guard-ordinary", NODE).phase)
                    .isEqualTo(Phase.Ready));

    assertThat(shadow.phase).isEqualTo(Phase.Error);
    assertThat(shadow.reason).isEqualTo("SubnetOverlapsHost");
    assertThat(shadow.message)
        .contains(
            "subnet 198.18.250.0/25 overlaps 198.18.250.0/24 of this node's interface dn-guard0");
    assertThat(dockerNetworkNames()).doesNotContain("guard-shadow").contains("guard-ordinary");
    assertThat(ip("route", "show", "198.18.250.0/25")).isBlank();
  }

  /** Node-a's report once it gives {@code reason}. */
  private static NetworkReport awaitReport(String name, String reason) {
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(NetworkTestSupport.report(kube, name, NODE).reason).isEqualTo(reason));
    return NetworkTestSupport.report(kube, name, NODE);
  }

  private static List<String> dockerNetworkNames() {
    return bed.node(NODE).docker().listNetworksCmd().exec().stream().map(n -> n.getName()).toList();
  }

  private static DockerNetwork onNodeA(DockerNetwork dn) {
    dn.getSpec().nodeSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("kubernetes.io/hostname", NODE)).build();
    return dn;
  }

  /**
   * The node interface's addresses, without the flags the kernel changes on its own: CI once saw
   * its IPv6 link-local address lose DAD's {@code tentative} while the test ran.
   */
  private static List<String> hostAddresses() {
    String[] fields = ip("-br", "addr", "show", "dev", HOST_INTERFACE).split("\\s+");
    return List.of(fields).subList(2, fields.length);
  }

  /** {@code ip -n node-a ...}: the test bed's own namespace of node-a. */
  private static String ip(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("ip", "-n", NODE));
    command.addAll(List.of(args));
    return Commands.run(Duration.ofSeconds(10), Map.of(), command).trim();
  }

  private static void removeHostInterface() {
    try {
      ip("link", "del", HOST_INTERFACE);
    } catch (IllegalStateException absent) {
      // not there: nothing to remove
    }
  }
}
