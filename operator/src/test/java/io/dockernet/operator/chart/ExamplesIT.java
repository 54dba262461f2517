package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.testbed.Repo;
import io.dockernet.operator.testbed.RunningOperators;
import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every file in examples/, with the real kubectl: accepted by the API server exactly as written,
 * then applied and converged on the node daemons after the preconditions each example's comment
 * describes. The examples show the private ranges readers expect (172.18.0.0/24 ...); tests on this
 * machine may only create networks in 198.18.0.0/15, so the applied copy has its addresses moved
 * there ({@link ExampleAddresses}).
 */
@ExtendWith(TestBedExtension.class)
class ExamplesIT {

  private static final Path MOVED = Path.of("target/examples-it").toAbsolutePath();
  private static final String EDGE_LABEL = "dockernet.io/edge";
  private static final List<String> EDGE_NODES = List.of("node-b", "node-c");

  private static TestBed bed;
  private static KubernetesClient kube;
  private static RunningOperators operators;

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    kube = bed.kubernetesClient();
    bed.cleanDocker();
    operators = RunningOperators.start(bed);
  }

  @AfterAll
  static void stop() {
    if (operators != null) {
      operators.close();
    }
  }

  @AfterEach
  void unlabelAndClean() {
    EDGE_NODES.forEach(n -> Kubectl.run(bed, "label", "node", n, EDGE_LABEL + "-"));
    bed.cleanDocker();
  }

  @Test
  void kubectlAcceptsEveryExampleAsWritten() throws IOException {
    String out = Kubectl.run(bed, "apply", "--dry-run=server", "-f", Repo.examples().toString());
    for (GenericKubernetesResource example : parse(Repo.examples())) {
      // "created", or "configured"/"unchanged" should the object exist from elsewhere.
      assertThat(out)
          .containsPattern(
              example.getKind().toLowerCase()
                  + "\\.dockernet\\.io/"
                  + example.getMetadata().getName()
                  + " \\w+ \\(server dry run\\)");
    }
  }

  @Test
  void everyExampleConvergesOnTheNodes() throws IOException {
    List<GenericKubernetesResource> examples = writeMovedCopy();
    // What the comments ask of a reader first:
    runBeforeLinesOnEveryNode(); // 04: the legacy network created by hand
    EDGE_NODES.forEach(n -> Kubectl.run(bed, "label", "node", n, EDGE_LABEL + "=true")); // 03
    // 02: container test2 exists, on a node of each Engine (20.10, 28.5.2 floor 1.44, 26.1.5)
    bed.onePerEngine().forEach(node -> startAttachedContainersOn(node, examples));
    Map<String, String> legacyIds = networkIds("legacy-net");

    Kubectl.run(bed, "apply", "-f", MOVED.toString());
    examples.forEach(e -> Convergence.awaitReady(kube, e.getKind(), e.getMetadata().getName()));

    for (String node : bed.nodeNames()) {
      DockerClient docker = bed.node(node).docker();
      assertThat(inspect(docker, "mynetwork").getOptions())
          .containsEntry("com.docker.network.bridge.name", "docker1");
      assertThat(inspect(docker, "backend-internal").getInternal()).isTrue();
      Network dual = inspect(docker, "dual-net");
      assertThat(dual.getEnableIPv6()).isTrue();
      assertThat(dual.getIpam().getConfig())
          .extracting(c -> c.getSubnet())
          .contains("2001:db8:1::/64");
      assertThat(inspect(docker, "db-net").getOptions())
          .containsEntry("com.docker.network.bridge.name", "br-db");
      assertThat(names(docker).contains("edge-net"))
          .as("edge-net on %s", node)
          .isEqualTo(EDGE_NODES.contains(node));
    }
    assertThat(networkIds("legacy-net")).as("adopted in place, not recreated").isEqualTo(legacyIds);
    if (examples.stream().anyMatch(e -> e.getKind().equals("ContainerAttachment"))) {
      for (String node : bed.onePerEngine()) {
        assertThat(
                bed.node(node)
                    .docker()
                    .inspectContainerCmd("test2")
                    .exec()
                    .getNetworkSettings()
                    .getNetworks()
                    .get("mynetwork")
                    .getIpAddress())
            .as(node)
            .isEqualTo("198.18.70.10");
      }
    }

    Kubectl.run(bed, "delete", "--wait=false", "-f", MOVED.toString());
    examples.forEach(e -> Convergence.awaitGone(kube, e.getKind(), e.getMetadata().getName()));
    for (String node : bed.nodeNames()) {
      assertThat(names(bed.node(node).docker()))
          .doesNotContain(
              "mynetwork", "edge-net", "legacy-net", "db-net", "backend-internal", "dual-net");
    }
  }

  /** examples/*.yaml with addresses moved into 198.18.70.0/24 and up, written to target/. */
  private static List<GenericKubernetesResource> writeMovedCopy() throws IOException {
    ExampleAddresses addresses = new ExampleAddresses(70);
    Files.createDirectories(MOVED);
    try (Stream<Path> old = Files.list(MOVED)) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    for (Path example : exampleFiles(Repo.examples())) {
      Files.writeString(
          MOVED.resolve(example.getFileName()), addresses.rewrite(Files.readString(example)));
    }
    return parse(MOVED);
  }

  /** Runs each example's {@code # Before: docker ...} line on every node, as a reader would. */
  private static void runBeforeLinesOnEveryNode() throws IOException {
    for (Path example : exampleFiles(MOVED)) {
      for (String line : Files.readAllLines(example)) {
        if (line.startsWith("# Before: docker ")) {
          String[] args = line.substring("# Before: docker ".length()).trim().split("\\s+");
          bed.nodeNames().forEach(n -> new DockerCli(bed.node(n).socket()).run(args));
        }
      }
    }
  }

  private static void startAttachedContainersOn(
      String node, List<GenericKubernetesResource> examples) {
    for (GenericKubernetesResource e : examples) {
      if (e.getKind().equals("ContainerAttachment")) {
        String container = e.get("spec", "container");
        new DockerCli(bed.node(node).socket()).run("run", "-d", "--name", container, TestBed.IMAGE);
      }
    }
  }

  private static Map<String, String> networkIds(String name) {
    return bed.nodeNames().stream()
        .collect(Collectors.toMap(n -> n, n -> inspect(bed.node(n).docker(), name).getId()));
  }

  private static Network inspect(DockerClient docker, String name) {
    return docker.inspectNetworkCmd().withNetworkId(name).exec();
  }

  private static List<String> names(DockerClient docker) {
    return docker.listNetworksCmd().exec().stream().map(Network::getName).toList();
  }

  private static List<Path> exampleFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static List<GenericKubernetesResource> parse(Path dir) throws IOException {
    List<GenericKubernetesResource> all = new ArrayList<>();
    for (Path f : exampleFiles(dir)) {
      all.add(Serialization.unmarshal(Files.readString(f), GenericKubernetesResource.class));
    }
    return all;
  }
}
