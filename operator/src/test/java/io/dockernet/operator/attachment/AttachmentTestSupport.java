package io.dockernet.operator.attachment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerJavaGateway;
import io.dockernet.operator.testbed.Edits;
import io.dockernet.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** What the ContainerAttachment integration tests do and check, in a user's terms. */
final class AttachmentTestSupport {

  static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Set<String> DOCKER_WRITES =
      Set.of("createNetwork", "removeNetwork", "connect", "disconnect");

  private AttachmentTestSupport() {}

  static ContainerAttachment get(KubernetesClient kube, String name) {
    return Optional.ofNullable(kube.resources(ContainerAttachment.class).withName(name).get())
        .orElseThrow(() -> new AssertionError("no ContainerAttachment " + name));
  }

  static boolean exists(KubernetesClient kube, Class<? extends HasMetadata> type, String name) {
    return kube.resources(type).withName(name).get() != null;
  }

  static void edit(KubernetesClient kube, String name, Consumer<ContainerAttachmentSpec> change) {
    Edits.edit(
        kube.resources(ContainerAttachment.class).withName(name),
        ca -> {
          change.accept(ca.getSpec());
          return ca;
        });
  }

  // ---- what a user reads ----

  static List<AttachmentReport> reports(KubernetesClient kube, String name) {
    return kube
        .resources(ContainerAttachmentNodeState.class)
        .withLabel(Keys.ATTACHMENT_LABEL, name)
        .list()
        .getItems()
        .stream()
        .map(ContainerAttachmentNodeState::getStatus)
        .filter(s -> s != null)
        .toList();
  }

  static Optional<AttachmentReport> report(KubernetesClient kube, String name, String node) {
    return reports(kube, name).stream().filter(s -> node.equals(s.nodeName)).findFirst();
  }

  /** Waits for the node's report on the current generation to show this phase and reason. */
  static AttachmentReport awaitReport(
      KubernetesClient kube, String name, String node, Phase phase, String reason) {
    return awaitReport(kube, name, node, phase, reason, CONVERGE);
  }

  static AttachmentReport awaitReport(
      KubernetesClient kube,
      String name,
      String node,
      Phase phase,
      String reason,
      Duration atMost) {
    return await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              long generation = get(kube, name).getMetadata().getGeneration();
              return report(kube, name, node)
                  .filter(r -> r.observedGeneration != null && r.observedGeneration == generation)
                  .filter(r -> r.phase == phase && reason.equals(r.reason))
                  .orElse(null);
            },
            r -> r != null);
  }

  /** Waits until the summary says attached on {@code nodes} of {@code nodes} reporting nodes. */
  static void awaitReady(KubernetesClient kube, String name, int nodes) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              ContainerAttachment ca = get(kube, name);
              assertThat(ca.getStatus()).as("status of %s", name).isNotNull();
              assertThat(ca.getStatus().observedGeneration)
                  .isEqualTo(ca.getMetadata().getGeneration());
              assertThat(ca.getStatus().ready).isEqualTo(nodes + "/" + nodes);
              assertThat(condition(ca, "Ready")).isEqualTo("True");
            });
  }

  static String condition(ContainerAttachment ca, String type) {
    return ca.getStatus() == null
        ? null
        : ca.getStatus().conditions.stream()
            .filter(c -> type.equals(c.getType()))
            .map(c -> c.getStatus())
            .findFirst()
            .orElse(null);
  }

  /** Waits until the DockerNetwork is Ready on every node of the bed. */
  static void awaitNetworkReady(KubernetesClient kube, TestBed bed, String name) {
    int n = bed.nodeNames().size();
    await()
        .atMost(CONVERGE)
        .until(
            () -> {
              DockerNetwork dn = kube.resources(DockerNetwork.class).withName(name).get();
              return dn != null
                  && dn.getStatus() != null
                  && (n + "/" + n).equals(dn.getStatus().ready)
                  && dn.getMetadata().getGeneration().equals(dn.getStatus().observedGeneration);
            });
  }

  static List<Event> events(KubernetesClient kube, String name) {
    return kube.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "ContainerAttachment".equals(e.getInvolvedObject().getKind()))
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  // ---- Docker, as an admin on the node would use it ----

  /** {@code docker run -d --name NAME dockernet/busybox} with optional extra settings. */
  static String run(DockerClient docker, String name, Consumer<CreateContainerCmd> settings) {
    return TestBed.runBusybox(docker, name, settings);
  }

  static String run(DockerClient docker, String name) {
    return TestBed.runBusybox(docker, name);
  }

  /** The container's endpoint on a network, as `docker inspect` shows it. */
  static Optional<ContainerNetwork> endpoint(DockerClient docker, String container, String net) {
    return Optional.ofNullable(
        docker.inspectContainerCmd(container).exec().getNetworkSettings().getNetworks().get(net));
  }

  static Optional<Network> dockerNetwork(DockerClient docker, String name) {
    return docker.listNetworksCmd().withNameFilter(name).exec().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst();
  }

  /** {@code docker exec CONTAINER CMD...}, bounded; returns the exit code. */
  static int exec(DockerClient docker, String container, String... command) {
    String exec =
        docker
            .execCreateCmd(container)
            .withCmd(command)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec()
            .getId();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      boolean done =
          docker
              .execStartCmd(exec)
              .exec(
                  new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                      out.writeBytes(frame.getPayload());
                    }
                  })
              .awaitCompletion(20, TimeUnit.SECONDS);
      assertThat(done).as("%s finished", String.join(" ", command)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    Long code = docker.inspectExecCmd(exec).exec().getExitCodeLong();
    System.out.printf(
        "docker exec %s %s → %s%n%s",
        container, String.join(" ", command), code, out.toString(StandardCharsets.UTF_8));
    return code == null ? -1 : code.intValue();
  }

  /** {@code ip -n NODE -o link show master BRIDGE}: the ports of a bridge (what brctl shows). */
  static String bridgePorts(String node, String bridge) {
    try {
      Process p =
          new ProcessBuilder("ip", "-n", node, "-o", "link", "show", "master", bridge)
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      return output;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Reconciliations of ContainerAttachments an operator instance ran, by outcome (null: all). */
  static long reconciles(MeterRegistry metrics, String outcome) {
    return metrics.find("dockernet.reconcile").tag("kind", "ContainerAttachment").timers().stream()
        .filter(t -> outcome == null || outcome.equals(t.getId().getTag("outcome")))
        .mapToLong(Timer::count)
        .sum();
  }

  /** Docker calls that change something, by an operator instance. */
  static long dockerWrites(MeterRegistry metrics) {
    return metrics.find(DockerJavaGateway.CALL_TIMER).timers().stream()
        .filter(t -> DOCKER_WRITES.contains(t.getId().getTag("operation")))
        .mapToLong(Timer::count)
        .sum();
  }
}
