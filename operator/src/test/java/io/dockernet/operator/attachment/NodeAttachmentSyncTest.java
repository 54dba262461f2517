package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.storedAttachment;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.attachment.NodeAttachmentSync.Claim;
import io.dockernet.operator.attachment.NodeAttachmentSync.Target;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.status.EventRecorder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeAttachmentSyncTest {

  private static final Target MYNETWORK = new Target("mynetwork", true, false, true);

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final NetworkGuard guard = new NetworkGuard();
  private final NodeAttachmentSync sync =
      new NodeAttachmentSync(docker, (pid, mac) -> Optional.of("veth" + pid), guard);
  private String networkId;

  @BeforeEach
  void seed() {
    networkId = createNetwork("mynetwork", "hash-1");
  }

  private PassReport<AttachmentReport> ensure(
      ContainerAttachment ca, PassReport<AttachmentReport> previous) {
    return ensure(ca, MYNETWORK, List.of(), previous);
  }

  private PassReport<AttachmentReport> ensure(
      ContainerAttachment ca,
      Target target,
      List<Claim> claims,
      PassReport<AttachmentReport> previous) {
    AttachmentReport before = previous == null ? null : previous.report;
    return sync.ensure(ca, target, claims, before);
  }

  @Test
  void aReadyReportStaysTrueUntilTheDaemonListsSomethingElse() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    AttachmentReport report = ensure(ca, null).report;
    assertThat(AttachmentReports.stillTrue(report, docker.overview())).isTrue();

    docker.stopContainer(test2); // no address while stopped: still the endpoint it reported
    assertThat(AttachmentReports.stillTrue(report, docker.overview())).isTrue();
    docker.startContainer(test2);

    docker.disconnect(networkId, test2, false);
    assertThat(AttachmentReports.stillTrue(report, docker.overview()))
        .as("disconnected by hand")
        .isFalse();

    docker.connect(
        networkId,
        test2,
        new DockerGateway.EndpointRequest(
            "198.18.100.11", null, List.of(), List.of(), List.of(), null, Map.of()));
    assertThat(AttachmentReports.stillTrue(report, docker.overview()))
        .as("connected again with another address")
        .isFalse();

    docker.removeContainer(test2);
    assertThat(AttachmentReports.stillTrue(report, docker.overview()))
        .as("container gone")
        .isFalse();
  }

  /**
   * What lets a starting agent keep a report without a pass: the very endpoint it reported, which
   * Docker makes anew on every start and every connect, so a stop and start, or a disconnect and
   * connect with the same address, is no longer shown exactly (a pass then reports the new one).
   */
  @Test
  void aReportIsShownExactlyOnlyByTheEndpointItReported() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    AttachmentReport report = ensure(ca, null).report;
    assertThat(AttachmentReports.shownExactly(report, "test2", "mynetwork", docker.overview()))
        .isTrue();
    assertThat(AttachmentReports.shownExactly(report, test2, "mynetwork", docker.overview()))
        .as("the spec naming the container by ID")
        .isTrue();
    assertThat(AttachmentReports.shownExactly(report, "other", "mynetwork", docker.overview()))
        .as("the spec naming another container")
        .isFalse();
    assertThat(AttachmentReports.shownExactly(report, "test2", "elsewhere", docker.overview()))
        .as("the attachment's network now of another name")
        .isFalse();

    docker.stopContainer(test2);
    docker.startContainer(test2);
    assertThat(AttachmentReports.stillTrue(report, docker.overview())).isTrue();
    assertThat(AttachmentReports.shownExactly(report, "test2", "mynetwork", docker.overview()))
        .as("restarted: same address, another endpoint")
        .isFalse();

    AttachmentReport restarted = ensure(ca, new PassReport<>(report)).report;
    docker.disconnect(networkId, test2, false);
    docker.connect(
        networkId,
        test2,
        new DockerGateway.EndpointRequest(
            "198.18.100.10", null, List.of(), List.of(), List.of(), null, Map.of()));
    assertThat(AttachmentReports.shownExactly(restarted, "test2", "mynetwork", docker.overview()))
        .as("connected again by hand with the same address")
        .isFalse();
  }

  @Test
  void connectsWithExactlyTheDeclaredSettingsReportsWhereAndThenChangesNothing() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    ca.getSpec().aliases = List.of("test2", "db");
    ca.getSpec().driverOpts = Map.of("com.example.opt", "1");

    PassReport<AttachmentReport> first = ensure(ca, null);

    AttachmentReport r = first.report;
    assertThat(r.phase).isEqualTo(Phase.Ready);
    assertThat(r.reason).isEqualTo("Attached");
    assertThat(r.containerId).isEqualTo(test2);
    assertThat(r.containerName).isEqualTo("test2");
    assertThat(r.networkId).isEqualTo(networkId);
    assertThat(r.endpointId).isNotNull();
    assertThat(r.ipv4Address).isEqualTo("198.18.100.10");
    assertThat(r.ipv4PrefixLength).isEqualTo(24);
    assertThat(r.gateway).isEqualTo("198.18.100.1");
    assertThat(r.macAddress).isEqualTo("02:42:c6:12:64:0a");
    assertThat(r.bridge).isEqualTo("dn-mynetwork");
    assertThat(r.hostInterface).startsWith("veth");
    assertThat(r.networkMode).isEqualTo("default");
    assertThat(first.notes).extracting(EventRecorder.Note::reason).containsExactly("Attached");
    ContainerEndpoint e = endpoint("test2", "mynetwork");
    assertThat(e.configuredIpv4()).isEqualTo("198.18.100.10");
    assertThat(e.aliases()).containsExactly("test2", "db");
    assertThat(e.driverOpts()).containsEntry("com.example.opt", "1");
    docker.resetWriteCount();

    PassReport<AttachmentReport> second = ensure(ca, first);

    assertThat(second.report.phase).isEqualTo(Phase.Ready);
    assertThat(second.notes).isEmpty();
    assertThat(docker.writeCount()).as("Docker writes when nothing changed").isZero();
  }

  @Test
  void aChangedSpecReconnectsAndLeavesTheContainersOtherNetworksAlone() {
    docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> first = ensure(ca, null);
    String bridgeEndpoint = endpoint("test2", "bridge").endpointId();
    docker.resetWriteCount();

    ca.getSpec().ipv4Address = "198.18.100.11";
    ca.getSpec().aliases = List.of("renamed");
    PassReport<AttachmentReport> second = ensure(ca, first);

    assertThat(second.report.phase).isEqualTo(Phase.Ready);
    assertThat(second.report.ipv4Address).isEqualTo("198.18.100.11");
    assertThat(endpoint("test2", "mynetwork").aliases()).containsExactly("renamed");
    assertThat(endpoint("test2", "bridge").endpointId()).isEqualTo(bridgeEndpoint);
    assertThat(docker.writeCount("disconnect")).isEqualTo(1);
    assertThat(docker.writeCount("connect")).isEqualTo(1);
    assertThat(second.notes)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.reason()).isEqualTo("Reconnected");
              assertThat(n.message()).contains("198.18.100.10 → 198.18.100.11");
            });
  }

  @Test
  void aMissingContainerIsWaitingAndAStoppedOneIsConnectedWithItsAddressBeforeItStarts() {
    ContainerAttachment ca = storedAttachment("late", "late", "mynetwork", "198.18.100.10");

    PassReport<AttachmentReport> missing = ensure(ca, null);
    docker.addContainer("late", "default");
    docker.stopContainer("late");
    PassReport<AttachmentReport> stopped = ensure(ca, missing);
    ContainerEndpoint configured = endpoint("late", "mynetwork");
    docker.startContainer("late");
    PassReport<AttachmentReport> started = ensure(ca, stopped);

    assertThat(missing.report.phase).isEqualTo(Phase.Waiting);
    assertThat(missing.report.reason).isEqualTo("ContainerNotFound");
    assertThat(stopped.report.phase).isEqualTo(Phase.Ready);
    assertThat(stopped.report.reason).isEqualTo("Configured");
    assertThat(configured.configuredIpv4()).isEqualTo("198.18.100.10");
    assertThat(started.report.phase).isEqualTo(Phase.Ready);
    assertThat(started.report.reason).isEqualTo("Attached");
    assertThat(started.report.ipv4Address).isEqualTo("198.18.100.10");
    assertThat(started.report.adopted).as("connected by the attachment while stopped").isNull();
    assertThat(docker.writeCount("connect")).isEqualTo(1);
  }

  @Test
  void aStoppedContainerWhoseAddressWasTakenMeanwhileIsAConflictNamingTheTaker() {
    ContainerAttachment ca = storedAttachment("late", "late", "mynetwork", "198.18.100.10");
    docker.addContainer("late", "default");
    docker.stopContainer("late");
    PassReport<AttachmentReport> configured = ensure(ca, null);
    String taker = docker.addContainer("taker", "default");
    docker.connect(networkId, taker, request("198.18.100.10"));

    PassReport<AttachmentReport> taken = ensure(ca, configured);

    assertThat(taken.report.phase).isEqualTo(Phase.Conflict);
    assertThat(taken.report.reason).isEqualTo("AddressTaken");
    assertThat(taken.report.message).contains("taker").contains("198.18.100.10");
  }

  @Test
  void attachingToDockersHostOrNoneNetworkIsRefusedAtOnce() {
    docker.addContainer("test2", "default");
    docker.resetWriteCount();

    PassReport<AttachmentReport> host =
        ensure(
            storedAttachment("h", "test2", "host", null),
            new Target("host", false, false, false),
            List.of(),
            null);

    assertThat(host.report.phase).isEqualTo(Phase.Error);
    assertThat(host.report.reason).isEqualTo("NotAttachable");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void hostNoneAndSharedNamespaceContainersAreIncompatibleAndNamed() {
    String app = docker.addContainer("app", "default");
    docker.addContainer("on-host", "host");
    docker.addContainer("isolated", "none");
    docker.addContainer("sidecar", "container:" + app);
    docker.resetWriteCount();

    PassReport<AttachmentReport> host =
        ensure(storedAttachment("h", "on-host", "mynetwork", null), null);
    PassReport<AttachmentReport> none =
        ensure(storedAttachment("n", "isolated", "mynetwork", null), null);
    PassReport<AttachmentReport> shared =
        ensure(storedAttachment("s", "sidecar", "mynetwork", null), null);

    assertThat(List.of(host, none, shared))
        .allSatisfy(
            o -> {
              assertThat(o.report.phase).isEqualTo(Phase.Error);
              assertThat(o.report.reason).isEqualTo("IncompatibleNetworkMode");
            });
    assertThat(host.report.message).contains("--network host");
    assertThat(none.report.message).contains("--network none");
    assertThat(shared.report.message)
        .contains("shares the network namespace of container app (" + app.substring(0, 12) + ")");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void anAddressHeldByAnotherContainerIsAConflictNamingIt() {
    String squatter = docker.addContainer("squatter", "default");
    docker.connect(networkId, squatter, request("198.18.100.10"));
    docker.addContainer("test2", "default");
    docker.resetWriteCount();

    PassReport<AttachmentReport> out =
        ensure(storedAttachment("test2", "test2", "mynetwork", "198.18.100.10"), null);

    assertThat(out.report.phase).isEqualTo(Phase.Conflict);
    assertThat(out.report.reason).isEqualTo("AddressInUse");
    assertThat(out.report.message).contains("198.18.100.10").contains("squatter");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void anEarlierAttachmentClaimingTheSameAddressWinsAndTheLaterOneGivesItBack() {
    docker.addContainer("first", "default");
    docker.addContainer("second", "default");
    ContainerAttachment later = storedAttachment("b", "second", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> alone =
        ensure(later, null); // the earlier one's container was not there
    assertThat(alone.report.phase).isEqualTo(Phase.Ready);
    Claim earlier = new Claim("a", "first", "198.18.100.10", null);

    PassReport<AttachmentReport> lost = ensure(later, MYNETWORK, List.of(earlier), alone);
    PassReport<AttachmentReport> won =
        ensure(
            storedAttachment("a", "first", "mynetwork", "198.18.100.10"),
            MYNETWORK,
            List.of(),
            null);
    PassReport<AttachmentReport> stillLost = ensure(later, MYNETWORK, List.of(earlier), lost);

    assertThat(lost.report.phase).isEqualTo(Phase.Conflict);
    assertThat(lost.report.reason).isEqualTo("AddressClaimed");
    assertThat(lost.report.message).contains("ContainerAttachment a").contains("first");
    assertThat(docker.findContainer("second").orElseThrow().networks())
        .doesNotContainKey("mynetwork");
    assertThat(won.report.phase).isEqualTo(Phase.Ready);
    assertThat(won.report.ipv4Address).isEqualTo("198.18.100.10");
    assertThat(stillLost.report.reason).isEqualTo("AddressClaimed");
  }

  @Test
  void anEarlierClaimWhoseContainerIsNotOnThisNodeDoesNotBlock() {
    docker.addContainer("second", "default");
    Claim elsewhere = new Claim("a", "first", "198.18.100.10", null);
    PassReport<AttachmentReport> out =
        ensure(
            storedAttachment("b", "second", "mynetwork", "198.18.100.10"),
            MYNETWORK,
            List.of(elsewhere),
            null);
    assertThat(out.report.phase).isEqualTo(Phase.Ready);
  }

  @Test
  void aHandRunDisconnectIsRepairedWithAWarningEvent() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> first = ensure(ca, null);

    docker.disconnect(networkId, test2, false);
    PassReport<AttachmentReport> repaired = ensure(ca, first);

    assertThat(repaired.report.phase).isEqualTo(Phase.Ready);
    assertThat(repaired.report.ipv4Address).isEqualTo("198.18.100.10");
    assertThat(repaired.notes)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.warning()).isTrue();
              assertThat(n.reason()).isEqualTo("DriftRepaired");
              assertThat(n.message()).contains("test2").contains("mynetwork");
            });
  }

  @Test
  void aNetworkBeingReplacedIsLeftAloneAndTheContainerComesBackAtTheSameAddressAfter() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> first = ensure(ca, null);
    docker.disconnect(networkId, test2, true);
    docker.removeNetwork(networkId);
    String newId = createNetwork("mynetwork", "hash-2");
    docker.resetWriteCount();

    guard.unfinished("mynetwork", true);
    PassReport<AttachmentReport> waiting = ensure(ca, first);
    int writesWhileReplaced = docker.writeCount();
    guard.unfinished("mynetwork", false);
    PassReport<AttachmentReport> back = ensure(ca, waiting);

    assertThat(waiting.report.reason).isEqualTo("NetworkRecreating");
    assertThat(writesWhileReplaced).isZero();
    assertThat(back.report.phase).isEqualTo(Phase.Ready);
    assertThat(back.report.networkId).isEqualTo(newId);
    assertThat(back.report.ipv4Address).isEqualTo("198.18.100.10");
  }

  @Test
  void waitingForANetworkReplacementThatTakesTooLongIsAnErrorOfItsOwn() {
    docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    guard.unfinished("mynetwork", true);
    docker.resetWriteCount();
    PassReport<AttachmentReport> waiting = ensure(ca, null);
    waiting.report.lastTransitionTime =
        java.time.Instant.now().minus(java.time.Duration.ofMinutes(6)).toString();

    PassReport<AttachmentReport> stalled = ensure(ca, waiting);

    assertThat(waiting.report.phase).isEqualTo(Phase.Pending);
    assertThat(stalled.report.phase).isEqualTo(Phase.Error);
    assertThat(stalled.report.reason).isEqualTo("NetworkRecreateStalled");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void anEndpointPutBackByAReplacementStaysTheAttachmentsToRelease() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> ready = ensure(ca, null);
    // The DockerNetwork agent replaces the network: endpoint off, network anew, endpoint back.
    guard.unfinished("mynetwork", true);
    docker.disconnect(networkId, test2, true);
    PassReport<AttachmentReport> during = ensure(ca, ready);
    docker.removeNetwork(networkId);
    String replaced = createNetwork("mynetwork", "hash-2");
    docker.connect(replaced, test2, DesiredEndpoint.from(ca));
    guard.unfinished("mynetwork", false);
    PassReport<AttachmentReport> after = ensure(ca, during);

    sync.release(ca, MYNETWORK, after.report, "Deleted");

    assertThat(during.report.reason).isEqualTo("NetworkRecreating");
    assertThat(during.report.networkId).as("still names its endpoint").isNotNull();
    assertThat(after.report.adopted).as("made by the attachment, not found there").isNull();
    assertThat(docker.findContainer(test2).orElseThrow().networks()).containsOnlyKeys("bridge");
  }

  @Test
  void anAttachmentDeletedWhileItsEndpointIsOffForAReplacementIsReleasedOnlyAfterIt() {
    // AgentSigkillIT seed 19493593462420, trial 16: the attachment went while the replacement had
    // its endpoint disconnected; the replacement put it back and nobody owned it any more.
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> ready = ensure(ca, null);
    guard.unfinished("mynetwork", true);
    docker.disconnect(networkId, test2, true);

    PassReport<AttachmentReport> during = sync.release(ca, MYNETWORK, ready.report, "Deleted");
    docker.removeNetwork(networkId);
    String replaced = createNetwork("mynetwork", "hash-2");
    docker.connect(replaced, test2, DesiredEndpoint.from(ca));
    guard.unfinished("mynetwork", false);
    PassReport<AttachmentReport> after = sync.release(ca, MYNETWORK, during.report, "Deleted");

    assertThat(during.released).as("not released while the endpoint is away").isFalse();
    assertThat(during.report.reason).isEqualTo("NetworkRecreating");
    assertThat(after.released).isTrue();
    assertThat(docker.findContainer(test2).orElseThrow().networks()).containsOnlyKeys("bridge");
  }

  @Test
  void aMissingOrDeletedNetworkWaitsAndConnectsNothing() {
    docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "other", null);
    docker.resetWriteCount();

    PassReport<AttachmentReport> undeclared =
        ensure(ca, new Target("other", false, false, true), List.of(), null);
    PassReport<AttachmentReport> notOnNode =
        ensure(ca, new Target("other", true, false, true), List.of(), null);
    PassReport<AttachmentReport> deleting =
        ensure(ca, new Target("mynetwork", true, true, true), List.of(), null);

    assertThat(undeclared.report.reason).isEqualTo("NetworkNotFound");
    assertThat(notOnNode.report.reason).isEqualTo("NetworkNotOnNode");
    assertThat(deleting.report.reason).isEqualTo("NetworkDeleting");
    assertThat(List.of(undeclared, notOnNode, deleting))
        .allSatisfy(o -> assertThat(o.report.phase).isEqualTo(Phase.Waiting));
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void badStaticAddressesAreRefusedBeforeDockerIsAsked() {
    docker.addContainer("test2", "default");
    docker.resetWriteCount();

    PassReport<AttachmentReport> gateway =
        ensure(storedAttachment("g", "test2", "mynetwork", "198.18.100.1"), null);
    PassReport<AttachmentReport> onBridge =
        ensure(
            storedAttachment("b", "test2", "bridge", "172.17.0.10"),
            new Target("bridge", true, false, false),
            List.of(),
            null);

    assertThat(gateway.report.phase).isEqualTo(Phase.Error);
    assertThat(gateway.report.reason).isEqualTo("AddressIsGateway");
    assertThat(onBridge.report.reason).isEqualTo("StaticAddressOnDefaultBridge");
    assertThat(docker.writeCount()).isZero();
  }

  @Test
  void anAddressInIpRangeIsAttachedWithAWarning() {
    createNetwork("ranged", "198.18.101.0/24", "198.18.101.128/25");
    docker.addContainer("test2", "default");
    PassReport<AttachmentReport> out =
        ensure(
            storedAttachment("r", "test2", "ranged", "198.18.101.200"),
            new Target("ranged", true, false, true),
            List.of(),
            null);
    assertThat(out.report.phase).isEqualTo(Phase.Ready);
    assertThat(out.report.warnings)
        .singleElement()
        .satisfies(w -> assertThat(w).startsWith("StaticAddressInIpRange"));
    assertThat(out.report.message).contains("warning");
    assertThat(out.notes).extracting(EventRecorder.Note::reason).contains("StaticAddressInIpRange");
  }

  @Test
  void releaseDisconnectsOnlyWhatTheAttachmentConnected() {
    String test2 = docker.addContainer("test2", "default");
    String other = docker.addContainer("other", "default");
    docker.connect(networkId, other, request("198.18.100.20"));
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> ready = ensure(ca, null);

    PassReport<AttachmentReport> released = sync.release(ca, MYNETWORK, ready.report, "Deleted");
    PassReport<AttachmentReport> again = sync.release(ca, MYNETWORK, ready.report, "Deleted");

    assertThat(released.released).isTrue();
    assertThat(again.released).isTrue();
    assertThat(docker.findContainer(test2).orElseThrow().networks()).containsOnlyKeys("bridge");
    assertThat(docker.findContainer(other).orElseThrow().networks())
        .containsKeys("bridge", "mynetwork");
  }

  @Test
  void releasingARefusedAttachmentLeavesTheEndpointItNeverMade() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment onBridge = storedAttachment("b", "test2", "bridge", "172.17.0.10");
    PassReport<AttachmentReport> refused =
        ensure(onBridge, new Target("bridge", true, false, false), List.of(), null);
    docker.resetWriteCount();

    sync.release(onBridge, new Target("bridge", true, false, false), refused.report, "Deleted");

    assertThat(refused.report.reason).isEqualTo("StaticAddressOnDefaultBridge");
    assertThat(docker.findContainer(test2).orElseThrow().networks()).containsKey("bridge");
    assertThat(docker.writeCount()).as("Docker writes").isZero();
  }

  @Test
  void anEndpointItMadeStaysItsToReleaseAfterTheSpecBecomesInvalid() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> ready = ensure(ca, null);
    ca.getSpec().ipv4Address = "198.18.100.1"; // now the gateway: refused, endpoint left as is
    PassReport<AttachmentReport> refused = ensure(ca, ready);

    sync.release(ca, MYNETWORK, refused.report, "Deleted");

    assertThat(refused.report.reason).isEqualTo("AddressIsGateway");
    assertThat(docker.findContainer(test2).orElseThrow().networks()).containsOnlyKeys("bridge");
  }

  @Test
  void anEndpointThatWasThereBeforeTheAttachmentIsAdoptedAndLeftAsItWasOnRelease() {
    String legacy = docker.addContainer("legacy", "default");
    docker.connect(networkId, legacy, request("198.18.100.50"));
    ContainerAttachment same = storedAttachment("legacy", "legacy", "mynetwork", "198.18.100.50");

    PassReport<AttachmentReport> adopted = ensure(same, null);
    sync.release(same, MYNETWORK, adopted.report, "Deleted");

    assertThat(adopted.report.phase).isEqualTo(Phase.Ready);
    assertThat(adopted.report.adopted).isTrue();
    assertThat(endpoint("legacy", "mynetwork").ipv4Address()).isEqualTo("198.18.100.50");
  }

  @Test
  void anAdoptedEndpointTheAttachmentChangedIsPutBackAsItWasOnRelease() {
    String legacy = docker.addContainer("legacy", "default");
    docker.connect(networkId, legacy, request("198.18.100.50"));
    ContainerAttachment moved = storedAttachment("legacy", "legacy", "mynetwork", "198.18.100.60");

    PassReport<AttachmentReport> changed = ensure(moved, null);
    ContainerEndpoint during = endpoint("legacy", "mynetwork");
    sync.release(moved, MYNETWORK, changed.report, "Deleted");

    assertThat(changed.report.adopted).isTrue();
    assertThat(during.ipv4Address()).isEqualTo("198.18.100.60");
    assertThat(endpoint("legacy", "mynetwork").configuredIpv4()).isEqualTo("198.18.100.50");
  }

  @Test
  void aRefusedReconnectPutsThePreviousEndpointBack() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    ca.getSpec().aliases = List.of("db");
    PassReport<AttachmentReport> ready = ensure(ca, null);
    ca.getSpec().ipv4Address = "198.18.100.11";
    docker.failNext("connect", new DockerRejectedException("driver refused the option", null));

    PassReport<AttachmentReport> refused = ensure(ca, ready);

    assertThat(refused.report.phase).isEqualTo(Phase.Error);
    assertThat(refused.report.reason).isEqualTo("ConnectRejected");
    assertThat(refused.report.message).contains("put back");
    assertThat(refused.report.journal).isNull();
    ContainerEndpoint back = endpoint("test2", "mynetwork");
    assertThat(back.configuredIpv4()).isEqualTo("198.18.100.10");
    assertThat(back.aliases()).containsExactly("db");
    sync.release(ca, MYNETWORK, refused.report, "Deleted");
    assertThat(docker.findContainer(test2).orElseThrow().networks())
        .as("still the attachment's own endpoint")
        .containsOnlyKeys("bridge");
  }

  @Test
  void aReconnectInterruptedAfterTheDisconnectIsFinishedFromTheJournal() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> ready = ensure(ca, null);
    ca.getSpec().ipv4Address = "198.18.100.11";
    AttachmentReport[] saved = new AttachmentReport[1];
    docker.failNext("connect", new DockerUnavailableException("agent killed", null));
    try {
      sync.ensure(ca, MYNETWORK, List.of(), ready.report, pending -> saved[0] = copy(pending));
    } catch (DockerUnavailableException expected) {
      // The agent died between disconnect and connect; its journal was saved first.
    }
    assertThat(docker.findContainer(test2).orElseThrow().networks()).doesNotContainKey("mynetwork");
    docker.failNext("connect", new DockerRejectedException("still refused", null));

    PassReport<AttachmentReport> resumed = sync.ensure(ca, MYNETWORK, List.of(), saved[0]);

    assertThat(saved[0].journal.action).isEqualTo("Reconnect");
    assertThat(resumed.report.message).contains("put back");
    assertThat(endpoint("test2", "mynetwork").configuredIpv4()).isEqualTo("198.18.100.10");
  }

  @Test
  void aDeleteAfterAnOutageReleasesExactlyTheEndpointTheAttachmentMade() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> ready = ensure(ca, null);
    AttachmentReport outage = new AttachmentReport();
    outage.phase = Phase.Error;
    outage.reason = "DockerUnavailable";
    outage.containerId = ready.report.containerId;
    outage.networkId = ready.report.networkId;
    outage.endpointId = ready.report.endpointId;

    sync.release(ca, MYNETWORK, outage, "Deleted");

    assertThat(docker.findContainer(test2).orElseThrow().networks()).containsOnlyKeys("bridge");
  }

  private static AttachmentReport copy(AttachmentReport s) {
    return io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
        .convertValue(s, AttachmentReport.class);
  }

  @Test
  void anEndpointRestoredOnARecreatedNetworkIsStillReleased() {
    String test2 = docker.addContainer("test2", "default");
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "198.18.100.10");
    PassReport<AttachmentReport> ready = ensure(ca, null);
    // The DockerNetwork agent recreates the network (new ID) and restores the endpoint as it was.
    docker.disconnect(networkId, test2, true);
    docker.removeNetwork(networkId);
    String recreated = createNetwork("mynetwork", "hash-2");
    docker.connect(recreated, test2, DesiredEndpoint.from(ca));

    sync.release(ca, MYNETWORK, ready.report, "Deleted");

    assertThat(docker.findContainer(test2).orElseThrow().networks()).containsOnlyKeys("bridge");
  }

  private ContainerEndpoint endpoint(String container, String network) {
    return docker.findContainer(container).orElseThrow().networks().get(network);
  }

  private String createNetwork(String name, String hash) {
    return docker.createNetwork(
        new NetworkRequest(
            name,
            "bridge",
            Map.of("com.docker.network.bridge.name", "dn-" + name),
            new Ipam(null, Map.of(), List.of(new IpamPool("198.18.100.0/24", null, null, null))),
            false,
            false,
            false,
            Map.of(
                Keys.DOCKER_MANAGED_BY,
                Keys.DOCKER_MANAGED_BY_VALUE,
                Keys.DOCKER_SPEC_HASH,
                hash)));
  }

  private void createNetwork(String name, String subnet, String ipRange) {
    docker.createNetwork(
        new NetworkRequest(
            name,
            "bridge",
            Map.of(),
            new Ipam(null, Map.of(), List.of(new IpamPool(subnet, null, ipRange, null))),
            false,
            false,
            false,
            Map.of()));
  }

  private static EndpointRequest request(String ipv4) {
    return new EndpointRequest(ipv4, null, List.of(), List.of(), List.of(), null, Map.of());
  }
}
