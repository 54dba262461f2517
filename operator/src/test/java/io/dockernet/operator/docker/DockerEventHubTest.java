package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's readiness is the event stream as it really is, not the subscription call. */
class DockerEventHubTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DockerEventHub hub = new DockerEventHub(docker, registry, Duration.ofMillis(50));
  private final AtomicInteger resyncs = new AtomicInteger();
  private final List<Overview> overviews = new CopyOnWriteArrayList<>();

  DockerEventHubTest() {
    hub.addListener(
        new DockerEventHub.Listener() {
          @Override
          public void onEvent(DockerEvent event) {}

          @Override
          public void onResync() {
            resyncs.incrementAndGet();
          }

          @Override
          public void onOverview(Overview overview) {
            overviews.add(overview);
          }
        });
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
  void theStartWaitsForTheFirstAnswerOnlyAsLongAsItIsTold() {
    docker.answerStreams(false);
    hub.start();

    assertThat(hub.awaitFirstAnswer(Duration.ofMillis(200)))
        .as("a daemon that does not answer is waited for no longer")
        .isFalse();

    docker.answerStreams(true);

    assertThat(hub.awaitFirstAnswer(Duration.ofSeconds(5))).isTrue();
    assertThat(hub.isConnected()).isTrue();
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

  @Test
  void theDriftCheckListsTheDaemonOncePerPeriodWhileTheStreamIsOpen() {
    String id =
        docker.createNetwork(
            new DockerGateway.NetworkRequest(
                "checked", null, null, null, false, false, false, null));
    hub.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> overviews.size() >= 2);
    assertThat(overviews.get(0).networkIds()).containsEntry("checked", id);

    docker.answerStreams(false);
    docker.setAvailable(false); // the stream ends: no check until it is open again
    int seen = overviews.size();
    docker.setAvailable(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> docker.unansweredStreams() == 1);
    assertThat(overviews).as("no check while the stream is not open").hasSize(seen);
    docker.answerStreams(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> overviews.size() > seen);
  }

  private double connectedGauge() {
    return registry.get("dockernet.docker.event.stream.connected").gauge().value();
  }
}
