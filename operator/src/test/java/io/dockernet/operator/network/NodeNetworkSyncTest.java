package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.AdoptionPolicy;
import io.dockernet.operator.api.v1alpha1.DeletionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.api.v1alpha1.RecreatePolicy;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.status.EventRecorder;
import io.dockernet.operator.testbed.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeNetworkSyncTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final NodeNetworkSync sync = new NodeNetworkSync(docker);

  private PassReport<NetworkReport> ensure(DockerNetwork dn, PassReport<NetworkReport> previous) {
    return sync.ensure(dn, previous == null ? null : previous.report, uid -> false);
  }

  @Test
  void createsTheNetworkOnceAndThenChangesNothing() {
    DockerNetwork dn = Fixtures.withBridge(storedNetwork("mynetwork", "198.18.0.0/24"), "docker1");
    PassReport<NetworkReport> first = ensure(dn, null);
    assertThat(first.report.phase).isEqualTo(Phase.Ready);
    assertThat(first.report.subnets).containsExactly("198.18.0.0/24");
    assertThat(first.report.bridge).isEqualTo("docker1");
    docker.resetWriteCount();

    PassReport<NetworkReport> second = ensure(dn, first);

    assertThat(second.report.phase).isEqualTo(Phase.Ready);
    assertThat(docker.writeCount()).as("Docker writes when nothing changed").isZero();
  }

  @Test
  void aReadyReportStaysTrueUntilTheNetworkIsRemovedOrReplacedByHand() {
    DockerNetwork dn = storedNetwork("mynetwork", "198.18.0.0/24");
    NetworkReport report = ensure(dn, null).report;
    assertThat(NetworkReports.stillTrue(report, docker.overview())).isTrue();

    docker.removeNetwork(report.networkId);
    assertThat(NetworkReports.stillTrue(report, docker.overview())).as("removed").isFalse();

    docker.createNetwork(foreign(report.networkName, "198.18.0.0/24"));
    assertThat(NetworkReports.stillTrue(report, docker.overview()))
        .as("a network of the same name, created by hand")
        .isFalse();
  }

  /**
   * What lets a starting agent keep a report without a pass: its network by name and ID, and
   * exactly the containers it lists as on it (a container stopped since has no endpoint there).
   */
  @Test
  void aReportIsShownExactlyWhileItsNetworkHoldsTheContainersItLists() {
    DockerNetwork dn = storedNetwork("mynetwork", "198.18.0.0/24");
    NetworkReport empty = ensure(dn, null).report;
    assertThat(NetworkReports.shownExactly(empty, "mynetwork", docker.overview())).isTrue();
    assertThat(NetworkReports.shownExactly(empty, "renamed", docker.overview()))
        .as("the object now naming another Docker network")
        .isFalse();

    String legacy = docker.addContainer("legacy", "default");
    docker.connect(empty.networkId, legacy, null);
    assertThat(NetworkReports.shownExactly(empty, "mynetwork", docker.overview()))
        .as("a container connected since")
        .isFalse();

    NetworkReport withLegacy = ensure(dn, new PassReport<>(empty)).report;
    assertThat(withLegacy.containers).containsExactly("legacy");
    assertThat(NetworkReports.shownExactly(withLegacy, "mynetwork", docker.overview())).isTrue();
    docker.stopContainer(legacy);
    assertThat(NetworkReports.shownExactly(withLegacy, "mynetwork", docker.overview()))
        .as("its container stopped since")
        .isFalse();

    docker.removeContainer(legacy);
    docker.removeNetwork(empty.networkId);
    docker.createNetwork(foreign("mynetwork", "198.18.0.0/24"));
    assertThat(NetworkReports.shownExactly(empty, "mynetwork", docker.overview()))
        .as("a network of the same name, created by hand")
        .isFalse();
  }

  @Test
  void aForeignNetworkIsAConflictUnderNeverAndIsNotTouched() {
    docker.createNetwork(foreign("mynetwork", "198.18.0.0/24"));
    docker.resetWriteCount();
    PassReport<NetworkReport> out = ensure(storedNetwork("mynetwork", "198.18.0.0/24"), null);
    assertThat(out.report.phase).isEqualTo(Phase.Conflict);
    assertThat(out.report.reason).isEqualTo("NetworkExists");
    assertThat(out.report.message).contains("mynetwork").contains("adoptionPolicy");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void ifMatchesAdoptsAMatchingForeignNetworkAndRefusesADifferentOne() {
    docker.createNetwork(foreign("same", "198.18.0.0/24"));
    docker.createNetwork(foreign("other", "198.18.1.0/24"));
    DockerNetwork same = storedNetwork("same", "198.18.0.0/24");
    same.getSpec().adoptionPolicy = AdoptionPolicy.IfMatches;
    DockerNetwork other = storedNetwork("other", "198.18.9.0/24");
    other.getSpec().adoptionPolicy = AdoptionPolicy.IfMatches;
    docker.resetWriteCount();

    PassReport<NetworkReport> adopted = ensure(same, null);
    PassReport<NetworkReport> refused = ensure(other, null);

    assertThat(adopted.report.phase).isEqualTo(Phase.Ready);
    assertThat(adopted.report.adopted).isTrue();
    assertThat(ensure(same, adopted).report.phase).isEqualTo(Phase.Ready);
    assertThat(refused.report.phase).isEqualTo(Phase.Conflict);
    assertThat(refused.report.differences).anySatisfy(d -> assertThat(d).contains("198.18.9.0/24"));
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void aSpecChangeRecreatesTheNetworkAndReconnectsEveryContainerAsItWas() {
    DockerNetwork dn = storedNetwork("mynetwork", "198.18.0.0/24");
    PassReport<NetworkReport> first = ensure(dn, null);
    String legacy = docker.addContainer("legacy", "bridge");
    docker.connect(
        first.report.networkId,
        legacy,
        new EndpointRequest(
            "198.18.0.10", null, List.of(), List.of("db"), List.of(), null, Map.of()));
    dn.getSpec().internal = true;

    PassReport<NetworkReport> second = ensure(dn, first);

    assertThat(second.report.phase).isEqualTo(Phase.Ready);
    assertThat(second.report.networkId).isNotEqualTo(first.report.networkId);
    var endpoint = docker.findContainer("legacy").orElseThrow().networks().get("mynetwork");
    assertThat(endpoint.ipv4Address()).isEqualTo("198.18.0.10");
    assertThat(endpoint.aliases()).contains("db");
    assertThat(second.notes).extracting(EventRecorder.Note::reason).containsExactly("Recreated");
  }

  @Test
  void aRecreatePutsBackEndpointsOfLiveAttachmentsButNotThoseOfDeletedOnes() {
    DockerNetwork dn = storedNetwork("mynetwork", "198.18.0.0/24");
    PassReport<NetworkReport> first = ensure(dn, null);
    String attached = docker.addContainer("attached", "default");
    String gone = docker.addContainer("gone", "default");
    String legacy = docker.addContainer("legacy", "default");
    docker.connect(first.report.networkId, attached, null);
    docker.connect(first.report.networkId, gone, null);
    docker.connect(first.report.networkId, legacy, null);
    dn.getSpec().internal = true;
    AttachedEndpoints endpoints =
        Endpoints.attached(
            Map.of(attached, "attached-mynetwork", gone, "gone-mynetwork"),
            Set.of("attached-mynetwork"));

    PassReport<NetworkReport> second =
        sync.ensure(dn, first.report, uid -> false, () -> endpoints, journal -> {});

    assertThat(second.report.phase).isEqualTo(Phase.Ready);
    assertThat(docker.findContainer(legacy).orElseThrow().networks()).containsKey("mynetwork");
    assertThat(docker.findContainer(attached).orElseThrow().networks()).containsKey("mynetwork");
    assertThat(docker.findContainer(gone).orElseThrow().networks())
        .as("its ContainerAttachment was deleted during the recreate")
        .doesNotContainKey("mynetwork");
    assertThat(second.report.journal).isNull();
  }

  @Test
  void recreatePolicyNeverReportsTheDifferenceAndChangesNothing() {
    DockerNetwork dn = storedNetwork("n", "198.18.0.0/24");
    PassReport<NetworkReport> first = ensure(dn, null);
    dn.getSpec().recreatePolicy = RecreatePolicy.Never;
    dn.getSpec().ipam.config.get(0).subnet = "198.18.1.0/24";
    docker.resetWriteCount();

    PassReport<NetworkReport> second = ensure(dn, first);

    assertThat(second.report.phase).isEqualTo(Phase.OutOfSync);
    assertThat(second.report.differences).singleElement().asString().contains("198.18.1.0/24");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void deletionIsBlockedByAContainerTheOperatorDoesNotManage() {
    DockerNetwork dn = storedNetwork("n", "198.18.0.0/24");
    PassReport<NetworkReport> first = ensure(dn, null);
    String legacy = docker.addContainer("legacy", "bridge");
    docker.connect(
        first.report.networkId,
        legacy,
        new EndpointRequest(null, null, null, null, null, null, null));

    PassReport<NetworkReport> blocked =
        sync.release(dn, first.report, () -> AttachedEndpoints.NONE, j -> {}, "Deleted");
    assertThat(blocked.released).isFalse();
    assertThat(blocked.report.phase).isEqualTo(Phase.Blocked);
    assertThat(blocked.report.message).contains("legacy");
    assertThat(docker.findNetwork("n")).isPresent();

    PassReport<NetworkReport> released =
        sync.release(
            dn,
            first.report,
            () -> Endpoints.attached(Map.of(legacy, "legacy-n"), Set.of("legacy-n")),
            j -> {},
            "Deleted");
    assertThat(released.released).isTrue();
    assertThat(docker.findNetwork("n")).isEmpty();
  }

  @Test
  void orphanLeavesTheNetworkAndAForeignNetworkIsNeverRemoved() {
    DockerNetwork dn = storedNetwork("n", "198.18.0.0/24");
    PassReport<NetworkReport> first = ensure(dn, null);
    dn.getSpec().deletionPolicy = DeletionPolicy.Orphan;
    assertThat(
            sync.release(dn, first.report, () -> AttachedEndpoints.NONE, j -> {}, "Deleted")
                .released)
        .isTrue();
    assertThat(docker.findNetwork("n")).isPresent();

    docker.createNetwork(foreign("theirs", "198.18.5.0/24"));
    assertThat(
            sync.release(
                    storedNetwork("theirs", null),
                    null,
                    () -> Endpoints.attached(Map.of(), Set.of()),
                    j -> {},
                    "Deleted")
                .released)
        .isTrue();
    assertThat(docker.findNetwork("theirs")).isPresent();
  }

  @Test
  void aPoolOverlapBecomesAReadableReason() {
    docker.createNetwork(foreign("first", "198.18.0.0/24"));
    PassReport<NetworkReport> out = ensure(storedNetwork("second", "198.18.0.0/25"), null);
    assertThat(out.report.phase).isEqualTo(Phase.Error);
    assertThat(out.report.reason).isEqualTo("PoolOverlap");
  }

  @Test
  void aConflictWithANetworkTheEngineDoesNotListIsNamedAsAStaleEngineNetwork() {
    String ghost = "d6a74083e33212eb062fdc1065d346ade0de0e4d8ecd2aa197370805109a0977";
    docker.failNext(
        "createNetwork",
        new DockerRejectedException(
            "cannot create network 867a (br-867a): conflicts with network "
                + ghost
                + " (br-d6a74083e332): networks have overlapping IPv4",
            null));

    PassReport<NetworkReport> out = ensure(storedNetwork("bulk", "198.18.0.0/26"), null);

    assertThat(out.report.phase).isEqualTo(Phase.Error);
    assertThat(out.report.reason).isEqualTo("StaleEngineNetwork");
    assertThat(out.report.message).contains(ghost + " is not listed by the Engine");
  }

  @Test
  void aConflictWithAListedNetworkStaysACreateRejection() {
    String listed = docker.createNetwork(foreign("admins", "198.18.1.0/26"));
    docker.failNext(
        "createNetwork",
        new DockerRejectedException(
            "cannot create network 867a (br-867a): conflicts with network "
                + listed
                + " (br-admins): networks have overlapping IPv4",
            null));

    PassReport<NetworkReport> out = ensure(storedNetwork("bulk", "198.18.0.0/26"), null);

    assertThat(out.report.reason).isEqualTo("CreateRejected");
    assertThat(out.report.message).doesNotContain("not listed");
  }

  @Test
  void anEditThatChangesOnlyTheSpecHashNeedsNoDockerChange() {
    DockerNetwork dn = storedNetwork("hashonly", "198.18.0.0/24");
    dn.getSpec().options = Map.of("com.docker.network.bridge.enable_icc", "false");
    PassReport<NetworkReport> first = ensure(dn, null);
    dn.getSpec().ipam.driver = "default";
    dn.getSpec().options = Map.of("com.docker.network.bridge.enable_icc", "False");
    dn.getMetadata().setGeneration(2L);
    docker.resetWriteCount();

    PassReport<NetworkReport> second = ensure(dn, first);

    assertThat(second.report.phase).isEqualTo(Phase.Ready);
    assertThat(second.report.observedGeneration).isEqualTo(2L);
    assertThat(docker.writeCount()).isZero();
  }

  private static NetworkRequest foreign(String name, String subnet) {
    return new NetworkRequest(
        name,
        "bridge",
        Map.of(),
        new io.dockernet.operator.docker.DockerGateway.Ipam(
            null,
            Map.of(),
            List.of(
                new io.dockernet.operator.docker.DockerGateway.IpamPool(subnet, null, null, null))),
        false,
        false,
        false,
        Map.of());
  }
}
