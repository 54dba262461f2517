package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which of this node's reports are finished when their parent is gone, and which are left. */
class LeftoverReportsTest {

  private final List<String> cleanedFor = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();

  @Test
  void aReportWhoseParentIsGoneIsCleanedUpAfterThenDeleted() {
    sweep(Set.of("kept"), true, report("gone", "uid-1"), report("kept", "uid-2"));

    assertThat(cleanedFor).containsExactly("uid-1");
    assertThat(deleted).containsExactly("gone.node-a");
  }

  @Test
  void aDeletionSeenIsCheckedForItsOwnReportOnly() {
    List<DockerNetworkNodeState> reports =
        List.of(report("gone", "uid-1"), report("also-gone", "uid-2"));
    LeftoverReports<NetworkReport, DockerNetworkNodeState> leftovers =
        new LeftoverReports<>(
            () -> reports,
            name -> reports.stream().filter(r -> r.getMetadata().getName().equals(name)).findAny(),
            name -> false,
            name -> false,
            (report, uid) -> cleanedFor.add(uid),
            report -> deleted.add(report.getMetadata().getName()));

    leftovers.check("also-gone.node-a", "uid-2");
    leftovers.check("gone.node-a", "uid-of-an-earlier-gone"); // a report on a later parent stays

    assertThat(cleanedFor).containsExactly("uid-2");
    assertThat(deleted).containsExactly("also-gone.node-a");
  }

  @Test
  void aParentTheCacheLacksIsLookedUpOnTheServerAFewAtATime() {
    List<String> lookedUp = new ArrayList<>();
    DockerNetworkNodeState[] reports = new DockerNetworkNodeState[30];
    for (int i = 0; i < reports.length; i++) {
      reports[i] = report("net-" + i, "uid-" + i);
    }
    new LeftoverReports<NetworkReport, DockerNetworkNodeState>(
            () -> List.of(reports),
            name -> Optional.empty(),
            name -> false,
            name -> lookedUp.add(name), // all still there: a cache that has not listed yet
            (report, uid) -> cleanedFor.add(uid),
            report -> deleted.add(report.getMetadata().getName()))
        .sweep();

    assertThat(lookedUp).hasSize(LeftoverReports.LOOKUPS_PER_SWEEP);
    assertThat(cleanedFor).isEmpty();
  }

  @Test
  void aReportWhoseLeftoversCouldNotBeCleanedUpStays() {
    sweep(Set.of(), false, report("gone", "uid-1"));

    assertThat(cleanedFor).containsExactly("uid-1");
    assertThat(deleted).isEmpty();
  }

  @Test
  void aReportWithoutOwnerOrStatusIsLeftToThePasses() {
    DockerNetworkNodeState noOwner = report("gone", "uid-1");
    noOwner.getMetadata().setOwnerReferences(List.of());
    DockerNetworkNodeState noStatus = report("gone", "uid-2");
    noStatus.setStatus(null);

    sweep(Set.of(), true, noOwner, noStatus);

    assertThat(cleanedFor).isEmpty();
    assertThat(deleted).isEmpty();
  }

  @Test
  void reportsNotCachedYetAreLookedAtNextTime() {
    new LeftoverReports<NetworkReport, DockerNetworkNodeState>(
            () -> {
              throw new IllegalStateException("informer not started");
            },
            name -> Optional.empty(),
            name -> false,
            name -> false,
            (report, uid) -> cleanedFor.add(uid),
            report -> deleted.add(report.getMetadata().getName()))
        .sweep();

    assertThat(cleanedFor).isEmpty();
  }

  private void sweep(Set<String> parents, boolean cleaned, DockerNetworkNodeState... reports) {
    new LeftoverReports<NetworkReport, DockerNetworkNodeState>(
            () -> List.of(reports),
            name -> Optional.empty(),
            parents::contains,
            name -> false,
            (report, uid) -> cleanedFor.add(uid) && cleaned,
            report -> deleted.add(report.getMetadata().getName()))
        .sweep();
  }

  private static DockerNetworkNodeState report(String parent, String uid) {
    DockerNetworkNodeState state = new DockerNetworkNodeState();
    state.getMetadata().setName(parent + ".node-a");
    state
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withKind("DockerNetwork")
                    .withName(parent)
                    .withUid(uid)
                    .build()));
    NetworkReport report = new NetworkReport();
    report.dockerNetwork = parent;
    state.setStatus(report);
    return state;
  }
}
