package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's readiness is the event stream as it really is, not the subscription call. */
class DockerEventHubTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DockerEventHub hub = new DockerEventHub(docker, registry);
  private final AtomicInteger resyncs = new AtomicInteger();

  DockerEventHubTest() {
    hub.addListener(event -> {}, resyncs::incrementAndGet);
  }

  @AfterEach
  void close() {
    hub.close();
  }

  @Test
  void notConnectedUntilTheDaemonAnswersTheSubscription() {
    docker.answerStreams(false);

    hub.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> docker.unansweredStreams() == 1);

    assertThat(hub.isConnected()).as("subscribed, but the daemon has not answered").isFalse();
    assertThat(resyncs).as("no re-list before the stream is open").hasValue(0);
    assertThat(connectedGauge()).isZero();

    docker.answerStreams(true);

    assertThat(hub.isConnected()).isTrue();
    assertThat(resyncs).hasValue(1);
    assertThat(connectedGauge()).isOne();
    assertThat(docker.subscribeCalls()).as("no resubscription for a slow answer").isEqualTo(1);
  }

  @Test
  void daemonDownAtStartIsFollowedOnceItAppears() {
    docker.setAvailable(false);

    hub.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> docker.subscribeCalls() >= 2);
    assertThat(hub.isConnected()).isFalse();

    docker.setAvailable(true);

    await().atMost(Duration.ofSeconds(10)).until(hub::isConnected);
    assertThat(resyncs).as("one re-list, once the daemon is there").hasValue(1);
  }

  @Test
  void lostStreamIsNotConnectedUntilAnsweredAgain() {
    hub.start();
    await().atMost(Duration.ofSeconds(5)).until(hub::isConnected);
    docker.answerStreams(false);

    docker.setAvailable(false);
    assertThat(hub.isConnected()).isFalse();
    docker.setAvailable(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> docker.unansweredStreams() == 1);

    assertThat(hub.isConnected()).isFalse();
    docker.answerStreams(true);
    assertThat(hub.isConnected()).isTrue();
    assertThat(resyncs).hasValue(2);
    assertThat(registry.get("dockernet.docker.event.stream.reconnects").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  private double connectedGauge() {
    return registry.get("dockernet.docker.event.stream.connected").gauge().value();
  }
}
