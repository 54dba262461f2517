package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which objects a Docker event wakes when it is the echo of a pass's own change. */
class OwnWritesTest {

  private static final ResourceID MINE = new ResourceID("mine");
  private static final ResourceID OTHER = new ResourceID("other");
  private static final Set<ResourceID> BOTH = Set.of(MINE, OTHER);

  private final FakeDockerGateway fake = new FakeDockerGateway();
  private final List<DockerEvent> events = new ArrayList<>();
  private final OwnWrites own = new OwnWrites();
  private final DockerGateway docker = own.recording(fake);

  OwnWritesTest() {
    fake.subscribe(
        new DockerEventListener() {
          @Override
          public void onStreamOpened() {}

          @Override
          public void onEvent(DockerEvent event) {
            events.add(event);
          }

          @Override
          public void onStreamClosed(Throwable cause) {}
        });
  }

  @Test
  void theEchoOfACreateWakesEveryoneButThePassThatMadeIt() {
    own.during(MINE, () -> docker.createNetwork(request("net")));

    DockerEvent created = only("create");
    assertThat(own.withoutEcho(created, BOTH)).containsExactly(OTHER);
    assertThat(own.withoutEcho(created, BOTH)).as("an echo is taken once").isEqualTo(BOTH);
  }

  @Test
  void connectsAndDisconnectsAreMatchedByNetworkAndContainer() {
    String net = docker.createNetwork(request("net"));
    String app = fake.addContainer("app", "default");
    String db = fake.addContainer("db", "default");
    events.clear();

    own.during(
        MINE,
        () -> {
          docker.connect(net, app, null);
          return null;
        });
    docker.connect(net, db, null); // outside a pass: nobody's own

    assertThat(own.withoutEcho(event("connect", db), BOTH)).isEqualTo(BOTH);
    assertThat(own.withoutEcho(event("disconnect", app), BOTH)).isEqualTo(BOTH);
    assertThat(own.withoutEcho(event("connect", app), BOTH)).containsExactly(OTHER);
  }

  @Test
  void aChangeDockerRefusedIsNotExpected() {
    fake.failNext("createNetwork", new DockerConflictException("pool overlaps", null));

    assertThatThrownBy(() -> own.during(MINE, () -> docker.createNetwork(request("net"))))
        .isInstanceOf(DockerConflictException.class);

    DockerEvent later =
        new DockerEvent("network", "create", "someone-elses", Map.of("name", "net"));
    assertThat(own.withoutEcho(later, BOTH)).isEqualTo(BOTH);
  }

  private DockerEvent only(String action) {
    return events.stream().filter(e -> action.equals(e.action())).findFirst().orElseThrow();
  }

  private DockerEvent event(String action, String container) {
    DockerEvent connect = only("connect");
    return new DockerEvent(
        "network", action, connect.actorId(), Map.of("name", "net", "container", container));
  }

  private static NetworkRequest request(String name) {
    return new NetworkRequest(name, "bridge", Map.of(), null, false, false, false, Map.of());
  }
}
