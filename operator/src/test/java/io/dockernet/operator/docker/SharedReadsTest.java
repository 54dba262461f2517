package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Answers are shared between passes only while nothing could have changed them: the daemon
 * announces every change on its event stream, and the agent's own writes are seen here directly.
 */
class SharedReadsTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final DockerEventHub hub =
      new DockerEventHub(docker, new SimpleMeterRegistry(), Duration.ofMinutes(10));

  @AfterEach
  void close() {
    hub.close();
  }

  @Test
  void aQuietDaemonIsAskedOnceAboutEachContainerAndNetwork() {
    SharedReads reads = started(new SharedReads(docker, hub));
    docker.addContainer("legacy", "default");
    reads.createNetwork(FakeDockerGateway.bridge("mynetwork", "198.18.100.0/24"));

    for (int pass = 0; pass < 3; pass++) {
      assertThat(reads.findContainer("legacy")).isPresent();
      assertThat(reads.findNetwork("mynetwork")).isPresent();
      assertThat(reads.findNetwork("absent")).isEmpty();
    }

    assertThat(docker.readCount("findContainer", "legacy")).isOne();
    assertThat(docker.readCount("findNetwork", "mynetwork")).isOne();
    assertThat(docker.readCount("findNetwork", "absent")).isOne();
  }

  @Test
  void aChangeAnnouncedByTheDaemonIsSeenByTheNextRead() {
    SharedReads reads = started(new SharedReads(docker, hub));
    docker.addContainer("legacy", "default");
    assertThat(reads.findContainer("legacy").map(ContainerInfo::running)).contains(true);

    docker.stopContainer("legacy"); // by hand: the daemon announces "die"

    assertThat(reads.findContainer("legacy").map(ContainerInfo::running)).contains(false);
  }

  @Test
  void theAgentsOwnWriteIsSeenByItsNextReadWithoutWaitingForTheEvent() {
    // The daemon's events about the write have not arrived yet: they come from a stream that
    // stays quiet throughout.
    FakeDockerGateway quietStream = new FakeDockerGateway();
    DockerEventHub slowHub =
        new DockerEventHub(quietStream, new SimpleMeterRegistry(), Duration.ofMinutes(10));
    SharedReads reads = new SharedReads(docker, slowHub);
    slowHub.start();
    assertThat(slowHub.awaitFirstAnswer(Duration.ofSeconds(5))).isTrue();
    docker.addContainer("legacy", "default");
    assertThat(reads.findNetwork("mynetwork")).isEmpty();
    assertThat(reads.findContainer("legacy").orElseThrow().networks())
        .doesNotContainKey("mynetwork");

    String id = reads.createNetwork(FakeDockerGateway.bridge("mynetwork", "198.18.100.0/24"));
    reads.connect(id, reads.findContainer("legacy").orElseThrow().id(), null);

    assertThat(reads.findNetwork("mynetwork")).isPresent();
    assertThat(reads.findContainer("legacy").orElseThrow().networks()).containsKey("mynetwork");
    slowHub.close();
  }

  @Test
  void anAnswerGivenWhileSomethingChangedIsNotShared() {
    docker.addContainer("legacy", "default");
    // The daemon announces a change while the answer is on its way.
    DockerGateway changingMeanwhile =
        new DelegatingGateway() {
          @Override
          protected DockerGateway delegate() {
            return docker;
          }

          @Override
          public Optional<ContainerInfo> findContainer(String nameOrId) {
            Optional<ContainerInfo> answer = docker.findContainer(nameOrId);
            docker.publish(new DockerEvent("container", "rename", "legacy", Map.of()));
            return answer;
          }
        };
    SharedReads reads = started(new SharedReads(changingMeanwhile, hub));

    reads.findContainer("legacy");
    reads.findContainer("legacy");

    assertThat(docker.readCount("findContainer", "legacy")).isEqualTo(2);
  }

  @Test
  void nothingIsSharedWhileTheEventStreamIsDown() {
    docker.answerStreams(false);
    SharedReads reads = new SharedReads(docker, hub);
    hub.start();
    docker.addContainer("legacy", "default");

    reads.findContainer("legacy");
    reads.findContainer("legacy");

    assertThat(docker.readCount("findContainer", "legacy")).isEqualTo(2);
  }

  @Test
  void anAnswerIsAskedAgainOnceItIsOlderThanTheBoundEvenWithoutAnEvent() {
    SharedReads reads = started(new SharedReads(docker, hub, Duration.ofMillis(50)));
    docker.addContainer("legacy", "default");
    reads.findContainer("legacy");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              reads.findContainer("legacy");
              return docker.readCount("findContainer", "legacy") == 2;
            });
  }

  @Test
  void aQuietDaemonIsListedOnceForEveryoneWhoAsksForAnOverview() {
    SharedReads reads = started(new SharedReads(docker, hub));
    docker.addContainer("legacy", "default");

    for (int pass = 0; pass < 3; pass++) {
      assertThat(reads.quietOverview())
          .hasValueSatisfying(o -> assertThat(o.containers()).hasSize(1));
    }

    assertThat(docker.overviewCount()).isOne();
  }

  /**
   * An overview is the daemon's present state only until it announces a change; then none is given,
   * and a new one not before the bound (the daemon is busy: each pass reads for itself).
   */
  @Test
  void noOverviewIsGivenAfterAChangeUntilTheBoundHasPassed() {
    SharedReads reads = started(new SharedReads(docker, hub, Duration.ofMillis(300)));
    assertThat(reads.quietOverview()).isPresent();

    docker.addContainer("legacy", "default"); // the daemon announces "create"

    await().atMost(Duration.ofSeconds(5)).until(() -> reads.quietOverview().isEmpty());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(reads.quietOverview())
                    .hasValueSatisfying(o -> assertThat(o.containers()).hasSize(1)));
    assertThat(docker.overviewCount()).isEqualTo(2);
  }

  @Test
  void noOverviewIsGivenWhileTheEventStreamIsDown() {
    docker.answerStreams(false);
    SharedReads reads = new SharedReads(docker, hub);
    hub.start();

    assertThat(reads.quietOverview()).isEmpty();
    assertThat(docker.overviewCount()).isZero();
  }

  /**
   * Starts the hub and returns once {@code reads} has heard the stream's first answer (a resync,
   * which drops what it holds): listeners hear it in the order they were added.
   */
  private SharedReads started(SharedReads reads) {
    AtomicBoolean resynced = new AtomicBoolean();
    hub.addListener(
        new DockerEventHub.Listener() {
          @Override
          public void onEvent(DockerEvent event) {}

          @Override
          public void onResync() {
            resynced.set(true);
          }

          @Override
          public void onOverview(Overview overview) {}
        });
    hub.start();
    await().atMost(Duration.ofSeconds(5)).untilTrue(resynced);
    return reads;
  }
}
