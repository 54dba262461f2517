package io.dockernet.operator.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.docker.FaultPoint;
import io.dockernet.operator.docker.FaultPoint.Fault;
import io.dockernet.operator.docker.WritesGateway;
import io.dockernet.operator.network.ReplacementScenario.Member;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.testbed.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A network replacement hit by a fault at every one of its Docker writes, of every kind (the agent
 * dies before or after the call, Docker refuses it, times out after doing it, or a container joins
 * the network just before the remove), always ends with every endpoint back as it was.
 */
class NetworkReplacementFaultsTest {

  /** The scenario: statics (one an attachment's), dynamics, one deleted attachment. */
  static List<Member> mixed() {
    return List.of(
        new Member("web", "198.18.40.2", "web-mynetwork", true),
        new Member("legacy", "198.18.40.10", null, false),
        new Member("tool", null, null, false),
        new Member("tool2", null, null, false),
        new Member("api", null, "api-mynetwork", true),
        new Member("gone", null, "gone-mynetwork", false));
  }

  static Stream<Arguments> everyFaultAtEveryWrite() {
    int writes = new ReplacementScenario(mixed()).writesOfOneReplacement();
    List<Arguments> out = new ArrayList<>();
    for (Fault fault : Fault.values()) {
      for (int k = 1; k <= writes; k++) {
        out.add(Arguments.of(fault, k));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} at write {1}")
  @MethodSource("everyFaultAtEveryWrite")
  void everyEndpointIsBackWhateverStepTheFaultHits(Fault fault, int k) {
    ReplacementScenario s = new ReplacementScenario(mixed());
    s.dn.getSpec().internal = true;
    s.dn.getMetadata().setGeneration(2L);
    String newcomer = s.docker.addContainer("newcomer", "default");
    AtomicBoolean joined = new AtomicBoolean();

    PassReport<NetworkReport> out =
        s.converge(
            docker ->
                FaultPoint.inProcess(
                    docker,
                    k,
                    fault,
                    networkId -> {
                      s.docker.connect(
                          networkId,
                          newcomer,
                          new EndpointRequest(
                              null, null, List.of(), List.of(), List.of(), null, Map.of()));
                      joined.set(true);
                    }));

    assertThat(s.lostOrChanged()).as("endpoints lost or changed").isEmpty();
    assertThat(out.report.journal).isNull();
    assertThat(out.report.phase).isIn(Phase.Ready, Phase.Error);
    if (out.report.phase == Phase.Error) {
      assertThat(out.report.reason).as(out.report.message).isEqualTo("RecreateRefused");
    }
    if (joined.get()) {
      assertThat(s.seen("newcomer")).as("the container that joined meanwhile").isNotNull();
    }
  }

  @Test
  void aStoppedContainerOnTheNetworkStartsOnTheNewOne() {
    ReplacementScenario s = new ReplacementScenario(mixed());
    s.dn.getSpec().internal = true;
    s.docker.stopContainer("legacy");

    PassReport<NetworkReport> out = s.converge(docker -> docker);
    s.docker.startContainer("legacy");

    assertThat(out.report.phase).isEqualTo(Phase.Ready);
    assertThat(s.seen("legacy")).isEqualTo(s.before.get("legacy"));
    assertThat(s.lostOrChanged()).isEmpty();
  }

  /**
   * A daemon restart during the replacement: the containers are killed first, the agent's pass dies
   * with the daemon, and the daemon, back between the old network's removal and the new one's
   * creation, starts its containers again (as their restart policy says). Each comes back running,
   * with its static address and its aliases.
   */
  @Test
  void containersADaemonRestartStopsAndStartsMidReplacementComeBackRunning() {
    ReplacementScenario s = new ReplacementScenario(mixed());
    s.dn.getSpec().internal = true;
    List<String> running = List.of("legacy", "tool", "web");
    AtomicInteger writes = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    DockerGateway node =
        new WritesGateway() {
          @Override
          protected <T> T write(Write write, Supplier<T> call) {
            if (writes.incrementAndGet() == 1) {
              running.forEach(s.docker::stopContainer);
              throw new DockerUnavailableException("the daemon is stopping", null);
            }
            T result = call.get();
            if (write.operation().equals("removeNetwork") && !restarted.getAndSet(true)) {
              running.forEach(ReplacementScenario.startOrLog(s.docker));
            }
            return result;
          }

          @Override
          protected DockerGateway delegate() {
            return s.docker;
          }
        };

    PassReport<NetworkReport> out = s.convergeOn(node);

    assertThat(restarted).as("the daemon restarted mid-replacement").isTrue();
    assertThat(out.report.phase).isEqualTo(Phase.Ready);
    assertThat(s.seen("legacy")).as("static, not the operator's").isEqualTo(s.before.get("legacy"));
    assertThat(s.seen("web")).as("static, an attachment's").isEqualTo(s.before.get("web"));
    assertThat(s.seen("tool").ipv4())
        .as("dynamic: back, with an address Docker gave it as it started")
        .isNotNull();
    assertThat(s.seen("tool").aliases()).isEqualTo(s.before.get("tool").aliases());
  }

  @Test
  void staticAddressesComeBackFirstAndDynamicOnesKeepTheirs() {
    ReplacementScenario s = new ReplacementScenario(mixed());
    s.dn.getSpec().internal = true;

    PassReport<NetworkReport> out = s.converge(docker -> docker);

    assertThat(out.report.phase).isEqualTo(Phase.Ready);
    assertThat(s.lostOrChanged()).isEmpty();
    assertThat(s.seen("gone")).as("its attachment was deleted").isNull();
    assertThat(out.notes).anySatisfy(n -> assertThat(n.message()).contains("gone"));
  }

  @Test
  void aRefusedCreatePutsTheNetworkBackAndIsNotTriedAgainUntilTheSpecChanges() {
    ReplacementScenario s = new ReplacementScenario(mixed());
    String oldId = s.report.networkId;
    s.dn.getSpec().internal = true;
    s.dn.getMetadata().setGeneration(2L);
    s.docker.failNext("createNetwork", new DockerRejectedException("invalid option", null));

    PassReport<NetworkReport> refused = s.converge(docker -> docker);
    boolean internalAfterRefusal = s.docker.findNetwork("mynetwork").orElseThrow().internal();
    List<String> lostAfterRefusal = s.lostOrChanged();
    s.docker.resetWriteCount();
    PassReport<NetworkReport> again =
        new NodeNetworkSync(s.docker)
            .ensure(s.dn, refused.report, uid -> false, s::attached, j -> {});
    int writesWhileRefused = s.docker.writeCount();
    s.dn.getSpec().attachable = true;
    s.dn.getMetadata().setGeneration(3L);
    PassReport<NetworkReport> changed =
        new NodeNetworkSync(s.docker)
            .ensure(s.dn, again.report, uid -> false, s::attached, j -> {});

    assertThat(refused.report.phase).isEqualTo(Phase.Error);
    assertThat(refused.report.reason).isEqualTo("RecreateRefused");
    assertThat(refused.report.message).contains("invalid option").contains("back as it was");
    assertThat(refused.report.refusedGeneration).isEqualTo(2L);
    assertThat(refused.report.networkId).isNotEqualTo(oldId);
    assertThat(internalAfterRefusal).as("the network as it was").isFalse();
    assertThat(lostAfterRefusal).isEmpty();
    assertThat(again.report.reason).isEqualTo("RecreateRefused");
    assertThat(again.report.plan).isNotEmpty();
    assertThat(writesWhileRefused).isZero();
    assertThat(changed.report.phase).isEqualTo(Phase.Ready);
    assertThat(s.lostOrChanged()).isEmpty();
  }

  @Test
  void aChangeDockerWouldRefuseDisconnectsNothing() {
    ReplacementScenario s = new ReplacementScenario(mixed());
    new NodeNetworkSync(s.docker)
        .ensure(Fixtures.storedNetwork("other", "198.18.41.0/24"), null, u -> false);
    s.dn.getSpec().ipam.config.get(0).subnet = "198.18.41.0/25";
    s.docker.resetWriteCount();

    PassReport<NetworkReport> out = s.converge(docker -> docker);

    assertThat(out.report.phase).isEqualTo(Phase.Error);
    assertThat(out.report.reason).isEqualTo("PoolOverlap");
    assertThat(s.docker.writeCount()).isZero();
    assertThat(s.lostOrChanged()).isEmpty();
  }

  @Test
  void recreatePolicyNeverShowsThePlanItWouldRun() {
    ReplacementScenario s = new ReplacementScenario(mixed());
    s.dn.getSpec().internal = true;
    s.dn.getSpec().recreatePolicy = io.dockernet.operator.api.v1alpha1.RecreatePolicy.Never;

    PassReport<NetworkReport> out = s.converge(docker -> docker);

    assertThat(out.report.phase).isEqualTo(Phase.OutOfSync);
    assertThat(out.report.plan)
        .anySatisfy(l -> assertThat(l).startsWith("disconnect legacy (198.18.40.10 static)"))
        .anySatisfy(l -> assertThat(l).contains("not managed by the operator"))
        .anySatisfy(l -> assertThat(l).contains("ContainerAttachment web-mynetwork"))
        .anySatisfy(l -> assertThat(l).startsWith("create it anew with internal"));
    assertThat(s.lostOrChanged()).isEmpty();
  }
}
