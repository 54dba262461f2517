package io.dockernet.operator.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.chart.Convergence;
import io.dockernet.operator.chart.Kubectl;
import io.dockernet.operator.gitops.GitOpsTools.Verdict;
import io.dockernet.operator.gitops.GitOpsTools.Verdicts;
import io.dockernet.operator.testbed.Edits;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What GitOps pipelines see: each kind driven through converging, converged, a conflict and its
 * fix, and at each stage what kstatus (Flux, kpt, Config Sync), the Argo CD health script and the
 * Flux healthCheckExprs of docs/gitops say about the live object, and whether {@code kubectl wait
 * --for=condition=Ready} returns. Then the nodes that count: only those with a live agent.
 */
@ExtendWith(TestBedExtension.class)
class GitOpsStatusIT {

  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String RING = "gitops/ring";

  /** The agent's Lease runs out 40 s after its last renewal; the controller then looks again. */
  private static final Duration HEARTBEAT_RUNS_OUT = Duration.ofSeconds(120);

  private static final Verdicts IN_PROGRESS = verdicts("InProgress", "Progressing", "InProgress");
  private static final Verdicts CURRENT = verdicts("Current", "Healthy", "Current");
  private static final Verdicts FAILED = verdicts("Failed", "Degraded", "Failed");

  private static TestBed bed;
  private static KubernetesClient kube;
  private static RunningOperators operators;
  private static GitOpsTools tools;

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    tools = GitOpsTools.install();
    operators = RunningOperators.start(bed);
  }

  @AfterAll
  static void stop() {
    if (operators != null) {
      operators.close();
    }
  }

  @BeforeEach
  @AfterEach
  void clean() {
    deleteAll("ContainerAttachment");
    // A container connected by hand holds its network's deletion back (ForeignEndpoints).
    bed.dockerClients()
        .values()
        .forEach(
            d ->
                d.listContainersCmd()
                    .withShowAll(true)
                    .exec()
                    .forEach(c -> d.removeContainerCmd(c.getId()).withForce(true).exec()));
    deleteAll("DockerNetwork");
    kube.nodes().withName("node-x").delete();
    for (String node : bed.nodeNames()) {
      Edits.edit(
          kube.nodes().withName(node),
          n -> {
            n.getMetadata().getLabels().keySet().removeIf(k -> k.startsWith("gitops/"));
            return n;
          });
    }
    bed.ensureNodeObjects();
    bed.cleanDocker();
  }

  private static void deleteAll(String kind) {
    kube.genericKubernetesResources(Convergence.API_VERSION, kind).delete();
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                kube.genericKubernetesResources(Convergence.API_VERSION, kind)
                    .list()
                    .getItems()
                    .isEmpty());
  }

  @Test
  void aDockerNetworkReadsInProgressThenCurrentThenFailedOnAConflictThenCurrentWhenFixed() {
    Map<String, Object> ring = Map.of("matchLabels", Map.of(RING, "1"));
    List<String> nodes = bed.nodeNames();
    String joiner = nodes.get(nodes.size() - 1);
    nodes.subList(0, nodes.size() - 1).forEach(n -> labelNode(n, RING, "1"));
    // The last node joins the ring later, with a network of that name someone made by hand.
    bed.node(joiner)
        .docker()
        .createNetworkCmd()
        .withName("gitops-net")
        .withIpam(
            new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet("198.18.141.0/24")))
        .exec();

    bed.stopNodeDaemon("node-b");
    try {
      GenericKubernetesResource created =
          kube.resource(network("gitops-net", "198.18.140.0/24", ring)).create();
      // Before the controller has looked: the CRD's status default keeps it from reading Current.
      assertThat(tools.of(created).kstatus().status()).isEqualTo("InProgress");

      // Converging: node-b's daemon is down, so node-b cannot have it yet.
      GenericKubernetesResource converging =
          awaitCondition("DockerNetwork", "gitops-net", "Reconciling", "True");
      assertSeenAs(converging, IN_PROGRESS);
      assertThat(tools.of(converging).argocd().message()).contains("node-b");
    } finally {
      bed.startNodeDaemon("node-b");
    }

    // Converged: every node of the ring has it.
    GenericKubernetesResource converged = awaitReady("DockerNetwork", "gitops-net");
    int ringSize = nodes.size() - 1;
    assertThat(status(converged)).containsEntry("ready", ringSize + "/" + ringSize);
    assertSeenAs(converged, CURRENT);

    // Conflict: the last node joins, and its network of that name is not the operator's.
    labelNode(joiner, RING, "1");
    GenericKubernetesResource conflict =
        awaitCondition("DockerNetwork", "gitops-net", "Stalled", "True");
    assertSeenAs(conflict, FAILED);
    assertThat(tools.of(conflict).argocd().message()).contains("NetworkExists", joiner);

    // Fixed: the owner lets the operator replace it.
    editSpec("DockerNetwork", "gitops-net", spec -> spec.put("adoptionPolicy", "Recreate"));
    GenericKubernetesResource fixed = awaitReady("DockerNetwork", "gitops-net");
    assertThat(status(fixed)).containsEntry("ready", nodes.size() + "/" + nodes.size());
    assertSeenAs(fixed, CURRENT);
  }

  @Test
  void aContainerAttachmentReadsInProgressThenCurrentThenFailedOnAConflictThenCurrentWhenFixed() {
    Map<String, Object> onNodeA = Map.of("matchLabels", Map.of("kubernetes.io/hostname", "node-a"));
    kube.resource(network("gitops-att-net", "198.18.142.0/24", onNodeA)).create();
    awaitReady("DockerNetwork", "gitops-att-net");
    kube.resource(attachment("gitops-app", "gitops-att-net", "198.18.142.10", onNodeA)).create();

    // Converging: node-a reports that the container does not exist there yet. (Before its first
    // report the attachment reads NoReports, which Argo CD shows as Missing.)
    GenericKubernetesResource converging =
        awaitCondition(
            "ContainerAttachment",
            "gitops-app",
            "Reconciling",
            "True",
            o ->
                String.valueOf(condition(o, "Ready").get("message")).contains("ContainerNotFound"));
    assertSeenAs(converging, IN_PROGRESS);
    assertThat(tools.of(converging).argocd().message()).contains("ContainerNotFound");

    // Converged: the container appears and is attached.
    DockerClient a = bed.node("node-a").docker();
    TestBed.runBusybox(a, "gitops-app");
    GenericKubernetesResource converged = awaitReady("ContainerAttachment", "gitops-app");
    assertSeenAs(converged, CURRENT);

    // Conflict: the new address is held by a container someone connected by hand.
    String squatter = TestBed.runBusybox(a, "squatter");
    a.connectToNetworkCmd()
        .withNetworkId("gitops-att-net")
        .withContainerId(squatter)
        .withContainerNetwork(
            new ContainerNetwork()
                .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address("198.18.142.20")))
        .exec();
    editSpec("ContainerAttachment", "gitops-app", spec -> spec.put("ipv4Address", "198.18.142.20"));
    GenericKubernetesResource conflict =
        awaitCondition("ContainerAttachment", "gitops-app", "Stalled", "True");
    assertSeenAs(conflict, FAILED);
    assertThat(tools.of(conflict).argocd().message()).contains("AddressInUse", "squatter");

    // Fixed: a free address.
    editSpec("ContainerAttachment", "gitops-app", spec -> spec.put("ipv4Address", "198.18.142.30"));
    GenericKubernetesResource fixed = awaitReady("ContainerAttachment", "gitops-app");
    assertSeenAs(fixed, CURRENT);
  }

  @Test
  void aSelectedNodeWithoutAnAgentIsNamedInAWarningAndDoesNotHoldReadyBack() {
    labelNode("node-a", "gitops/pool", "blue");
    kube.resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-x")
                .addToLabels("kubernetes.io/hostname", "node-x")
                .addToLabels("gitops/pool", "blue")
                .endMetadata()
                .build())
        .create();
    kube.resource(
            network(
                "gitops-blue",
                "198.18.143.0/24",
                Map.of("matchLabels", Map.of("gitops/pool", "blue"))))
        .create();

    GenericKubernetesResource blue = awaitReady("DockerNetwork", "gitops-blue");
    assertThat(status(blue)).containsEntry("ready", "1/1");
    assertThat(status(blue).get("nodesWithoutAgent")).isEqualTo(List.of("node-x"));
    assertThat(condition(blue, "Warning")).containsEntry("status", "True");
    assertSeenAs(blue, CURRENT);
    assertThat(tools.of(blue).argocd().message()).contains("warning", "node-x");

    // Only node-x selected: no node can have it. Not Ready; Argo CD calls it Missing.
    kube.resource(
            network(
                "gitops-x-only",
                "198.18.144.0/24",
                Map.of("matchLabels", Map.of("kubernetes.io/hostname", "node-x"))))
        .create();
    GenericKubernetesResource none =
        awaitCondition("DockerNetwork", "gitops-x-only", "Reconciling", "True");
    assertThat(condition(none, "Ready"))
        .containsEntry("status", "False")
        .containsEntry("reason", "NoNodesSelected");
    Verdicts verdicts = tools.of(none);
    assertThat(verdicts.kstatus().status()).isEqualTo("InProgress");
    assertThat(verdicts.argocd().status()).isEqualTo("Missing");
    assertThat(verdicts.flux().status()).isEqualTo("InProgress");
    assertThat(GitOpsTools.kubectlWaitSucceeds(bed, "dockernetwork", "gitops-x-only")).isFalse();
  }

  @Test
  void anAgentThatStopsDropsOutOfTheDesiredNodesWhenItsHeartbeatRunsOut() {
    kube.resource(network("gitops-all", "198.18.145.0/24", Map.of())).create();
    int nodes = bed.nodeNames().size();
    assertThat(status(awaitReady("DockerNetwork", "gitops-all")))
        .containsEntry("ready", nodes + "/" + nodes);

    operators.stopAgent("node-c");
    try {
      await()
          .atMost(HEARTBEAT_RUNS_OUT)
          .untilAsserted(
              () -> {
                GenericKubernetesResource dn = get("DockerNetwork", "gitops-all");
                assertThat(status(dn).get("nodesWithoutAgent")).isEqualTo(List.of("node-c"));
                assertThat(status(dn)).containsEntry("ready", (nodes - 1) + "/" + (nodes - 1));
                assertThat(condition(dn, "Ready")).containsEntry("status", "True");
                assertThat(condition(dn, "Warning"))
                    .containsEntry("status", "True")
                    .containsEntry("reason", "NodesWithoutAgent");
              });
    } finally {
      operators.startAgent("node-c");
    }
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              GenericKubernetesResource dn = get("DockerNetwork", "gitops-all");
              assertThat(status(dn)).containsEntry("ready", nodes + "/" + nodes);
              assertThat(status(dn)).doesNotContainKey("nodesWithoutAgent");
              assertThat(condition(dn, "Warning")).containsEntry("status", "False");
            });
  }

  @Test
  void kubectlListsEveryKindUnderDockernetAndShowsReadinessColumnsAndDescriptions() {
    kube.resource(network("gitops-kubectl", "198.18.146.0/24", Map.of())).create();
    awaitReady("DockerNetwork", "gitops-kubectl");

    assertThat(Kubectl.run(bed, "get", "dockernet"))
        .contains("dockernetwork.dockernet.io/gitops-kubectl")
        .contains("dockernetworknodestate.dockernet.io/gitops-kubectl.node-a");
    int nodes = bed.nodeNames().size();
    List<String> table = Kubectl.run(bed, "get", "dnet", "gitops-kubectl").lines().toList();
    assertThat(table.get(0).split("\\s+"))
        .containsExactly("NAME", "NETWORK", "DRIVER", "SUBNET", "NODES", "READY", "REASON", "AGE");
    assertThat(table.get(1).split("\\s+"))
        .startsWith(
            "gitops-kubectl",
            "gitops-kubectl",
            "bridge",
            "198.18.146.0/24",
            nodes + "/" + nodes,
            "True",
            "AllNodesReady");
    assertThat(Kubectl.run(bed, "get", "dnet", "gitops-kubectl", "-o", "wide"))
        .contains("MESSAGE")
        .contains("the network matches the spec on " + nodes + " of " + nodes + " node(s)");
    assertThat(Kubectl.run(bed, "explain", "dockernetwork"))
        .contains("agents create and keep on every selected node");
    assertThat(Kubectl.run(bed, "explain", "dockernetwork.spec.nodeSelector.matchExpressions"))
        .contains("Requirements on a Node's labels")
        .contains("The label key");
  }

  private static final String[] MESSAGES = {"kstatus.message", "argocd.message", "flux.message"};

  /**
   * What kstatus, the Argo CD script and the Flux expressions say about this state of the object,
   * and whether {@code kubectl wait --for=condition=Ready} returns (only when it is Current).
   */
  private static void assertSeenAs(GenericKubernetesResource object, Verdicts expected) {
    String kind = object.getKind();
    String name = object.getMetadata().getName();
    assertThat(tools.of(object))
        .as("%s %s", kind, name)
        .usingRecursiveComparison()
        .ignoringFields(MESSAGES)
        .isEqualTo(expected);
    assertThat(GitOpsTools.kubectlWaitSucceeds(bed, kind.toLowerCase(Locale.ROOT), name))
        .as("kubectl wait --for=condition=Ready %s/%s returns", kind, name)
        .isEqualTo(expected == CURRENT);
  }

  private static Verdicts verdicts(String kstatus, String argocd, String flux) {
    return new Verdicts(new Verdict(kstatus, ""), new Verdict(argocd, ""), new Verdict(flux, ""));
  }

  /** Until the object's condition has this status for its current generation; returns it then. */
  private static GenericKubernetesResource awaitCondition(
      String kind, String name, String type, String value) {
    return awaitCondition(kind, name, type, value, o -> true);
  }

  /** As above, and until {@code also} holds too. */
  private static GenericKubernetesResource awaitCondition(
      String kind,
      String name,
      String type,
      String value,
      java.util.function.Predicate<GenericKubernetesResource> also) {
    return await()
        .alias(kind + " " + name + " " + type + "=" + value)
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> get(kind, name),
            o ->
                o != null
                    && Objects.equals(
                        number(status(o).get("observedGeneration")),
                        o.getMetadata().getGeneration())
                    && value.equals(condition(o, type).get("status"))
                    && also.test(o));
  }

  private static GenericKubernetesResource awaitReady(String kind, String name) {
    return awaitCondition(kind, name, "Ready", "True");
  }

  private static GenericKubernetesResource get(String kind, String name) {
    return Convergence.object(kube, kind, name).get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource o) {
    Object s = o.getAdditionalProperties().get("status");
    return s instanceof Map ? (Map<String, Object>) s : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> condition(GenericKubernetesResource o, String type) {
    List<Map<String, Object>> conditions =
        (List<Map<String, Object>>) status(o).getOrDefault("conditions", List.of());
    return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(Map.of());
  }

  private static Long number(Object value) {
    return value instanceof Number n ? n.longValue() : null;
  }

  @SuppressWarnings("unchecked")
  private static void editSpec(
      String kind, String name, java.util.function.Consumer<Map<String, Object>> change) {
    Edits.edit(
        Convergence.object(kube, kind, name),
        o -> {
          change.accept((Map<String, Object>) o.getAdditionalProperties().get("spec"));
          return o;
        });
  }

  private static void labelNode(String node, String key, String value) {
    Edits.edit(
        kube.nodes().withName(node),
        n -> {
          n.getMetadata().getLabels().put(key, value);
          return n;
        });
  }

  private static GenericKubernetesResource network(
      String name, String subnet, Map<String, Object> nodeSelector) {
    Map<String, Object> spec = new java.util.HashMap<>();
    spec.put("ipam", Map.of("config", List.of(Map.of("subnet", subnet))));
    if (!nodeSelector.isEmpty()) {
      spec.put("nodeSelector", nodeSelector);
    }
    return object("DockerNetwork", name, spec);
  }

  private static GenericKubernetesResource attachment(
      String name, String network, String address, Map<String, Object> nodeSelector) {
    Map<String, Object> spec = new java.util.HashMap<>();
    spec.put("container", name);
    spec.put("network", network);
    spec.put("ipv4Address", address);
    spec.put("nodeSelector", nodeSelector);
    return object("ContainerAttachment", name, spec);
  }

  private static GenericKubernetesResource object(
      String kind, String name, Map<String, Object> spec) {
    return Convergence.manifest(kind, name, spec);
  }
}
