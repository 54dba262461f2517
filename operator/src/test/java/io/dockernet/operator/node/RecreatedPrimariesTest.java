package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.testbed.Fixtures;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A deletion handled while the cache already holds a new object of that name wakes the new one. */
class RecreatedPrimariesTest {

  private final Map<ResourceID, DockerNetwork> cache = new HashMap<>();
  private final List<Event> woken = new CopyOnWriteArrayList<>();
  private final RecreatedPrimaries<DockerNetwork> source =
      new RecreatedPrimaries<>(id -> Optional.ofNullable(cache.get(id)));

  RecreatedPrimariesTest() {
    source.setEventHandler(woken::add);
    source.start();
  }

  @AfterEach
  void stop() {
    source.stop();
  }

  @Test
  void anObjectCreatedAgainUnderTheNameIsReconciledAfterTheDeletion() {
    DockerNetwork deleted = Fixtures.network("again", "198.18.45.0/24");
    DockerNetwork created = Fixtures.network("again", "198.18.45.0/24");
    cache.put(ResourceID.fromResource(created), created);

    source.deletionHandled(deleted);

    await().atMost(Duration.ofSeconds(10)).until(() -> woken.size() == 1);
    assertThat(woken.get(0)).isInstanceOf(ResourceEvent.class);
    assertThat(((ResourceEvent) woken.get(0)).getResource()).containsSame(created);
  }

  @Test
  void aDeletionWithNothingNewUnderTheNameWakesNothing() {
    source.deletionHandled(Fixtures.network("gone", "198.18.45.0/24"));

    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(woken::isEmpty);
  }
}
