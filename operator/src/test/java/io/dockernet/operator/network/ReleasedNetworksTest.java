package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.docker.DockerEvent;
import io.dockernet.operator.docker.FakeDockerGateway;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A create that a killed agent had in flight lands after its restarted successor released the
 * deleted object and found nothing: that network is removed when it shows up.
 */
class ReleasedNetworksTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private Clock clock = Clock.fixed(Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC);
  private final ReleasedNetworks released =
      new ReleasedNetworks(docker, Runnable::run, () -> clock.instant());

  @Test
  void aNetworkCreatedForADeletedObjectAfterItsReleaseIsRemovedWhenItsCreateEventArrives() {
    DockerNetwork dn = storedNetwork("late", "198.18.0.0/24");
    released.released(dn);

    docker.createNetwork(DesiredNetwork.from(dn)); // the dead agent's request, landing now
    released.onEvent(created("late"));

    assertThat(docker.findNetwork("late")).isEmpty();
  }

  @Test
  void theOverviewFindsOneWhoseEventWasLost() {
    DockerNetwork dn = storedNetwork("late", "198.18.0.0/24");
    released.released(dn);
    docker.createNetwork(DesiredNetwork.from(dn));

    released.onOverview(docker.overview());

    assertThat(docker.findNetwork("late")).isEmpty();
  }

  @Test
  void aNetworkOfANewObjectOfTheSameNameStays() {
    released.released(storedNetwork("late", "198.18.0.0/24"));
    DockerNetwork again = storedNetwork("late", "198.18.0.0/24");
    docker.createNetwork(DesiredNetwork.from(again));

    released.onEvent(created("late"));
    released.onOverview(docker.overview());

    assertThat(docker.findNetwork("late")).isPresent();
  }

  @Test
  void anOrphanedNetworkStays() {
    DockerNetwork dn = storedNetwork("kept", "198.18.0.0/24");
    dn.getSpec().deletionPolicy = DeletionPolicy.Orphan;
    docker.createNetwork(DesiredNetwork.from(dn));

    released.released(dn);
    released.onOverview(docker.overview());

    assertThat(docker.findNetwork("kept")).isPresent();
  }

  @Test
  void aLateNetworkWithContainersOnItIsLeftAsItIs() {
    DockerNetwork dn = storedNetwork("late", "198.18.0.0/24");
    released.released(dn);
    String id = docker.createNetwork(DesiredNetwork.from(dn));
    String admins = docker.addContainer("admins", "bridge");
    docker.connect(id, admins, null);

    released.onOverview(docker.overview());

    assertThat(docker.findNetwork("late")).isPresent();
  }

  @Test
  void releasesAreForgottenAfterAWhile() {
    DockerNetwork dn = storedNetwork("late", "198.18.0.0/24");
    released.released(dn);
    clock = Clock.offset(clock, ReleasedNetworks.REMEMBERED.plusSeconds(1));
    docker.createNetwork(DesiredNetwork.from(dn));

    released.onOverview(docker.overview());

    assertThat(docker.findNetwork("late")).isPresent();
  }

  private static DockerEvent created(String name) {
    return new DockerEvent("network", "create", "id", Map.of("name", name));
  }
}
