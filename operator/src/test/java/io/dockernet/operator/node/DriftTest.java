package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the periodic overview wakes: reports not Ready and not in backoff, and Ready ones the daemon
 * contradicts.
 */
class DriftTest {

  @Test
  void wakesTheParentsOfReportsNotReadyOrNoLongerTrueAndNothingElse() {
    var inPlace = report("in-place", Phase.Ready);
    var drifted = report("drifted", Phase.Ready);
    var waiting = report("waiting", Phase.Waiting);
    var failing = report("failing", Phase.Error);
    var backingOff = report("backing-off", Phase.Error);
    var unwritten = report("unwritten", null);
    unwritten.setStatus(null);

    var woken =
        Drift.of(
            Stream.of(inPlace, drifted, waiting, failing, backingOff, unwritten),
            s -> !s.dockerNetwork.equals("drifted"),
            "backing-off"::equals);

    assertThat(woken)
        .containsExactlyInAnyOrder(
            new ResourceID("drifted"),
            new ResourceID("waiting"),
            new ResourceID("failing"),
            new ResourceID("unwritten"));
  }

  @Test
  void everythingInPlaceWakesNothing() {
    assertThat(
            Drift.of(
                Stream.of(report("a", Phase.Ready), report("b", Phase.Ready)),
                s -> true,
                name -> false))
        .isEmpty();
  }

  @Test
  void anObjectThatShouldHaveAReportHereAndHasNoneIsWoken() {
    var selected = network("selected", false);
    var elsewhere = network("elsewhere", false);
    var reported = network("reported", false);
    var inBackoff = network("in-backoff", false);
    var deletingHeld = network("deleting-held", true);
    deletingHeld.getMetadata().getFinalizers().add("node-a.dockernet.io/cleanup");
    var deletingNotHeld = network("deleting-not-held", true);

    var woken =
        Drift.unseen(
            Stream.of(selected, elsewhere, reported, inBackoff, deletingHeld, deletingNotHeld),
            Stream.of(report("reported", Phase.Ready)),
            dn -> !dn.getMetadata().getName().equals("elsewhere"),
            "in-backoff"::equals,
            "node-a.dockernet.io/cleanup");

    assertThat(woken)
        .containsExactlyInAnyOrder(new ResourceID("selected"), new ResourceID("deleting-held"));
  }

  private static DockerNetwork network(String name, boolean deleting) {
    var dn = new DockerNetwork();
    dn.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withFinalizers(new ArrayList<>())
            .withDeletionTimestamp(deleting ? "2026-12-03T03:00:00Z" : null)
            .build());
    return dn;
  }

  private static DockerNetworkNodeState report(String parent, Phase phase) {
    var state = new DockerNetworkNodeState();
    state.setMetadata(
        new ObjectMetaBuilder()
            .withName(parent + ".node-a")
            .addNewOwnerReference()
            .withName(parent)
            .withKind("DockerNetwork")
            .withApiVersion("dockernet.io/v1alpha1")
            .withUid(parent + "-uid")
            .endOwnerReference()
            .build());
    var status = new NetworkReport();
    status.dockerNetwork = parent;
    status.phase = phase;
    state.setStatus(status);
    return state;
  }
}
