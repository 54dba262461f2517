package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The agent's Docker writes reach the daemon one at a time; its reads are not held up. */
class OneWriteAtATimeTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final CountDownLatch firstAsked = new CountDownLatch(1);
  private final CountDownLatch firstAnswered = new CountDownLatch(1);
  private final AtomicInteger atTheDaemon = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  @Test
  void aWriteWaitsUntilTheDaemonAnsweredTheOneBefore() throws Exception {
    String network = docker.createNetwork(FakeDockerGateway.bridge("mynetwork", "198.18.100.0/24"));
    String slow = docker.addContainer("slow", "default");
    String next = docker.addContainer("next", "default");
    OneWriteAtATime writes = new OneWriteAtATime(new Daemon(slow));

    CompletableFuture<Void> first =
        CompletableFuture.runAsync(() -> writes.connect(network, slow, null));
    assertThat(firstAsked.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> second =
        CompletableFuture.runAsync(() -> writes.connect(network, next, null));
    await().until(writes::writesWaiting);

    assertThat(writes.findContainer("next").orElseThrow().networks())
        .doesNotContainKey("mynetwork");
    firstAnswered.countDown();
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);

    assertThat(mostAtOnce).hasValue(1);
    assertThat(docker.findContainer("slow").orElseThrow().networks()).containsKey("mynetwork");
    assertThat(docker.findContainer("next").orElseThrow().networks()).containsKey("mynetwork");
  }

  /** A daemon that counts the writes it works on at once, and takes its time with one container. */
  private final class Daemon extends WritesGateway {
    private final String slowContainer;

    Daemon(String slowContainer) {
      this.slowContainer = slowContainer;
    }

    @Override
    protected DockerGateway delegate() {
      return docker;
    }

    @Override
    protected <T> T write(Write write, Supplier<T> call) {
      mostAtOnce.accumulateAndGet(atTheDaemon.incrementAndGet(), Math::max);
      try {
        if (slowContainer.equals(write.container())) {
          firstAsked.countDown();
          firstAnswered.await();
        }
        return call.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        atTheDaemon.decrementAndGet();
      }
    }
  }
}
