package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.DockernetOperator;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.ApiGroup;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.testbed.Edits;
import io.dockernet.operator.testbed.Fixtures;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The corpus of invalid and hostile objects ({@code src/test/resources/fault/bad-input.yaml}): each
 * is refused by the API server with a readable message, or accepted and reported per node with a
 * clear reason, or (hostile-looking text that is only data) applied literally. Meanwhile other
 * objects keep converging on every node and every agent stays healthy (/healthz 200 all along) with
 * working informers. Subnets 198.18.232-239.x.
 */
@ExtendWith(TestBedExtension.class)
class BadInputIT {

  private static final Logger LOG = LoggerFactory.getLogger(BadInputIT.class);
  private static final String CORPUS = "/fault/bad-input.yaml";

  /** The label of the nodes the corpus's per-node cases select (node-a and node-b). */
  private static final String CORPUS_NODE_LABEL = "dockernet-it/bad-input";

  @RegisterExtension static final FaultBed fault = new FaultBed("fault-bad-input");
  private static RunningOperators agents;
  private static OperatorProcess controller;

  @BeforeAll
  static void start() {
    // Closed last, once the roles no longer act on the nodes' labels.
    fault.closeAtEnd(BadInputIT::unlabelCorpusNodes);
    controller = fault.startController();
    agents = fault.startAgentsOnEveryNode();
  }

  private static void unlabelCorpusNodes() {
    for (String node : List.of("node-a", "node-b")) {
      Edits.edit(
          fault.kube().nodes().withName(node),
          n -> {
            n.getMetadata().getLabels().remove(CORPUS_NODE_LABEL);
            return n;
          });
    }
  }

  /** One corpus entry. */
  record Case(
      String name,
      String expect,
      String message,
      List<String> nodes,
      Phase phase,
      String reason,
      Map<String, Object> fill,
      Map<String, Object> object) {}

  @Test
  void everyBadObjectIsRefusedOrReportedWhileTheRestKeepsConverging() throws Exception {
    List<Case> corpus = corpus();
    assertThat(corpus).as("cases").hasSizeGreaterThanOrEqualTo(50);
    // The corpus names node-a (Engine 20.10) and node-b (28.5.2 refusing API below 1.44).
    assertThat(fault.bed().node("node-a").engineVersion()).isEqualTo("20.10");
    assertThat(fault.bed().node("node-b").refusesApiBelow144()).isTrue();
    Map<String, TestNode> fixtureNodes =
        FaultSupport.nodes(fault.bed(), List.of("node-a", "node-b"));
    for (TestNode a : fixtureNodes.values()) {
      Edits.edit(
          fault.kube().nodes().withName(a.name()),
          n -> {
            n.getMetadata().getLabels().put(CORPUS_NODE_LABEL, "yes");
            return n;
          });
      FaultSupport.createForeignObjects(a);
      for (Case c : corpus) {
        container(c)
            .filter(n -> n.startsWith("m-t-"))
            .ifPresent(n -> FaultSupport.runManagedContainer(a, n));
      }
      createContainer(a, "m-host", "host");
      createContainer(a, "m-none", "none");
    }
    TestNode a = fixtureNodes.get("node-a");
    Map<String, Map<String, String>> before = FaultSupport.foreignSnapshot(fixtureNodes, Set.of());
    DockerNetwork valid =
        Fixtures.onNodes(
            Fixtures.network("valid-net", "198.18.232.0/26"), List.copyOf(fixtureNodes.keySet()));
    valid.getSpec().ipam.config.get(0).gateway = "198.18.232.1";
    valid.getSpec().ipam.config.get(0).ipRange = "198.18.232.32/27";
    valid.getSpec().ipam.config.get(0).auxAddresses = Map.of("reserved", "198.18.232.5");
    fault.kube().resource(valid).create();

    List<String> unhealthy = new CopyOnWriteArrayList<>();
    ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();
    probes.scheduleWithFixedDelay(() -> probeAll(unhealthy), 0, 200, TimeUnit.MILLISECONDS);
    try {
      int canary = 0;
      List<String> outcomes = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      for (Case c : corpus) {
        // Valid objects keep arriving between the bad ones, on every node.
        if (outcomes.size() % 10 == 0 && canary < 8) {
          fault
              .kube()
              .resource(Fixtures.network("canary-" + canary, FaultSubnets.subnet(236, canary)))
              .create();
          canary++;
        }
        try {
          outcomes.add(apply(c));
        } catch (AssertionError e) {
          failures.add(c.name() + ": " + e.getMessage());
        }
      }
      LOG.info("corpus outcomes:\n  {}", String.join("\n  ", outcomes));
      for (Case c : corpus) {
        if (!c.expect().equals("rejected")
            && failures.stream().noneMatch(f -> f.startsWith(c.name() + ":"))) {
          try {
            awaitReports(c);
          } catch (AssertionError | ConditionTimeoutException e) {
            failures.add(c.name() + ": " + e.getMessage());
          }
        }
      }
      assertThat(failures).as("corpus cases that did not go as expected").isEmpty();
      // Still alive: a new object after all that converges too, on every node.
      fault.kube().resource(Fixtures.network("canary-last", FaultSubnets.subnet(238, 0))).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 8; i++) {
                  assertReadyEverywhere("canary-" + i);
                }
                assertReadyEverywhere("canary-last");
              });
    } finally {
      // Let a round of probes finish: an interrupted one would count as unanswered probes.
      probes.shutdown();
      assertThat(probes.awaitTermination(30, TimeUnit.SECONDS)).as("probes stopped").isTrue();
    }
    probeAll(unhealthy);
    assertThat(unhealthy).as("agent probe answers other than 200 during the corpus").isEmpty();

    // Deleting all of it leaves nothing behind on any node, and the node is as it was: its own
    // networks untouched, and a container still starts on Docker's default bridge.
    Fixtures.deleteAll(fault.kube());
    FaultSupport.awaitConverged(fault.kube(), fault.bed().nodes(), Set.of(), Duration.ofMinutes(1));
    FaultSupport.assertForeignUnchanged(before, fixtureNodes, Set.of());
    String probe = a.docker().createContainerCmd(TestBed.IMAGE).withName("f-after").exec().getId();
    a.docker().startContainerCmd(probe).exec();
  }

  private static String apply(Case c) {
    GenericKubernetesResource object = object(c);
    switch (c.expect()) {
      case "rejected" -> {
        assertThatThrownBy(() -> fault.kube().resource(object).create())
            .as(c.name())
            .isInstanceOfSatisfying(
                KubernetesClientException.class,
                e -> {
                  assertThat(e.getCode()).as("%s: HTTP status", c.name()).isIn(400, 422);
                  assertThat(e.getMessage()).as(c.name()).contains(c.message());
                });
        return c.name() + ": rejected";
      }
      case "reported", "ready", "summary" -> {
        fault.kube().resource(object).create();
        return c.name() + ": accepted";
      }
      default -> throw new IllegalArgumentException(c.name() + ": unknown expect " + c.expect());
    }
  }

  private static void awaitReports(Case c) {
    String name = (String) ((Map<?, ?>) c.object().get("metadata")).get("name");
    boolean network = "DockerNetwork".equals(c.object().get("kind"));
    if (c.expect().equals("summary")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                DockerNetwork dn = fault.kube().resources(DockerNetwork.class).withName(name).get();
                assertThat(dn.getStatus()).as(c.name()).isNotNull();
                assertThat(dn.getStatus().desiredNodes).as(c.name()).isZero();
                assertThat(dn.getStatus().conditions)
                    .as(c.name())
                    .anySatisfy(
                        cond -> {
                          assertThat(cond.getType()).isEqualTo("Ready");
                          assertThat(cond.getStatus()).isEqualTo("False");
                          assertThat(cond.getReason()).isEqualTo(c.reason());
                        });
                for (String node : fault.bed().nodeNames()) {
                  assertThat(report(true, name, node)).as(c.name() + " on " + node).isEmpty();
                }
              });
      return;
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String node : c.nodes()) {
                NodeReport r =
                    report(network, name, node)
                        .orElseThrow(
                            () -> new AssertionError(c.name() + ": no report from " + node));
                if (c.expect().equals("ready")) {
                  assertThat(r.phase)
                      .as("%s on %s: %s", c.name(), node, r.message)
                      .isEqualTo(Phase.Ready);
                } else {
                  assertThat(r.phase)
                      .as("%s on %s: %s", c.name(), node, r.message)
                      .isEqualTo(c.phase());
                  assertThat(r.reason)
                      .as("%s on %s: %s", c.name(), node, r.message)
                      .isEqualTo(c.reason());
                  assertThat(r.message).as(c.name()).contains(c.message()).isNotBlank();
                }
              }
            });
    if (c.expect().equals("ready") && network) {
      DockerNetwork dn = fault.kube().resources(DockerNetwork.class).withName(name).get();
      for (String node : c.nodes()) {
        Network n =
            fault
                .bed()
                .node(node)
                .docker()
                .inspectNetworkCmd()
                .withNetworkId(dn.dockerName())
                .exec();
        assertThat(n.getLabels()).as(c.name()).containsAllEntriesOf(orEmpty(dn.getSpec().labels));
        assertThat(n.getOptions()).as(c.name()).containsAllEntriesOf(orEmpty(dn.getSpec().options));
      }
    }
  }

  private static Optional<NodeReport> report(boolean network, String name, String node) {
    List<? extends NodeReport> reports =
        network
            ? fault
                .kube()
                .resources(DockerNetworkNodeState.class)
                .withLabel(Keys.DOCKER_NETWORK_LABEL, name)
                .list()
                .getItems()
                .stream()
                .map(DockerNetworkNodeState::getStatus)
                .toList()
            : fault
                .kube()
                .resources(ContainerAttachmentNodeState.class)
                .withLabel(Keys.ATTACHMENT_LABEL, name)
                .list()
                .getItems()
                .stream()
                .map(ContainerAttachmentNodeState::getStatus)
                .toList();
    return reports.stream()
        .filter(r -> r != null && node.equals(r.nodeName))
        .map(r -> (NodeReport) r)
        .findFirst();
  }

  private static void assertReadyEverywhere(String network) {
    DockerNetwork dn = fault.kube().resources(DockerNetwork.class).withName(network).get();
    assertThat(dn.getStatus()).as(network).isNotNull();
    assertThat(dn.getStatus().readyNodes)
        .as(network + " " + dn.getStatus().ready)
        .isEqualTo(fault.bed().nodeNames().size());
  }

  /** Every agent's and the controller's /healthz and /readyz; records any answer but 200. */
  private static void probeAll(List<String> unhealthy) {
    for (String node : fault.bed().nodeNames()) {
      DockernetOperator agent = agents.agent(node);
      for (String path : List.of("/healthz", "/readyz")) {
        int status = OperatorProcess.status(agent.httpPort(), path);
        if (status != 200) {
          unhealthy.add(node + path + " " + status);
        }
      }
    }
    for (String path : List.of("/healthz", "/readyz")) {
      int status = controller.status(path);
      if (status != 200) {
        unhealthy.add("controller" + path + " " + status);
      }
    }
  }

  private static List<Case> corpus() throws IOException {
    try (InputStream in = BadInputIT.class.getResourceAsStream(CORPUS)) {
      assertThat(in).as(CORPUS).isNotNull();
      return Serialization.yamlMapper().readValue(in, new TypeReference<List<Case>>() {});
    }
  }

  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource object(Case c) {
    Map<String, Object> map =
        Serialization.jsonMapper()
            .convertValue(c.object(), new TypeReference<Map<String, Object>>() {});
    map.put("apiVersion", ApiGroup.GROUP + "/" + ApiGroup.VERSION);
    if (c.fill() != null) {
      List<Object> path = (List<Object>) c.fill().get("path");
      Object parent = map;
      for (Object step : path.subList(0, path.size() - 1)) {
        parent =
            step instanceof Integer i
                ? ((List<Object>) parent).get(i)
                : ((Map<String, Object>) parent)
                    .computeIfAbsent((String) step, k -> new LinkedHashMap<>());
      }
      String last = (String) path.get(path.size() - 1);
      int size = (Integer) c.fill().getOrDefault("size", 1);
      if (Boolean.TRUE.equals(c.fill().get("string"))) {
        ((Map<String, Object>) parent).put(last, "x".repeat(size));
      } else {
        Map<String, Object> filled =
            (Map<String, Object>)
                ((Map<String, Object>) parent).computeIfAbsent(last, k -> new LinkedHashMap<>());
        int keySize = (Integer) c.fill().getOrDefault("keySize", 0);
        for (int i = 0; i < (Integer) c.fill().get("entries"); i++) {
          String key = keySize > 0 ? "k".repeat(keySize - String.valueOf(i).length()) + i : "k" + i;
          Object value = c.fill().containsKey("value") ? c.fill().get("value") : "v".repeat(size);
          filled.put(key, value);
        }
      }
    }
    return Serialization.jsonMapper().convertValue(map, GenericKubernetesResource.class);
  }

  private static Optional<String> container(Case c) {
    Object spec = c.object().get("spec");
    return "ContainerAttachment".equals(c.object().get("kind")) && spec instanceof Map<?, ?> m
        ? Optional.ofNullable((String) m.get("container"))
        : Optional.empty();
  }

  private static void createContainer(TestNode node, String name, String networkMode) {
    String id =
        node.docker()
            .createContainerCmd(TestBed.IMAGE)
            .withName(name)
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode(networkMode))
            .exec()
            .getId();
    node.docker().startContainerCmd(id).exec();
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
