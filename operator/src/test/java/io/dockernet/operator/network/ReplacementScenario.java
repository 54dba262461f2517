package io.dockernet.operator.network;

import static io.dockernet.operator.testbed.Fixtures.storedNetwork;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerUnavailableException;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.node.PassReport;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A managed network on one fake node with endpoints of every kind on it (static and dynamic,
 * attachments' and not the operator's, with aliases), a change that needs a replacement, and an
 * agent that may die at any step and is then started again from what its report says.
 */
final class ReplacementScenario {

  /** One endpoint to put on the network before the change. */
  record Member(String name, String staticIpv4, String attachment, boolean attachmentLive) {}

  /** What an endpoint must look like afterwards. */
  record Seen(String ipv4, String configuredIpv4, List<String> aliases) {}

  final FakeDockerGateway docker = new FakeDockerGateway();
  final DockerNetwork dn = storedNetwork("mynetwork", "198.18.40.0/24");
  final Map<String, String> ids = new LinkedHashMap<>();
  final Map<String, Member> members = new LinkedHashMap<>();
  final Map<String, Seen> before = new LinkedHashMap<>();
  NetworkReport report;
  private NetworkReport saved;

  ReplacementScenario(List<Member> endpoints) {
    report = new NodeNetworkSync(docker).ensure(dn, null, uid -> false).report;
    // Statics first, then dynamics, as an admin's containers would have come up over time.
    List<Member> ordered = new ArrayList<>(endpoints);
    ordered.sort((a, b) -> Boolean.compare(a.staticIpv4() == null, b.staticIpv4() == null));
    for (Member m : ordered) {
      String id = docker.addContainer(m.name(), "default");
      ids.put(m.name(), id);
      members.put(m.name(), m);
      docker.connect(
          report.networkId,
          id,
          new EndpointRequest(
              m.staticIpv4(),
              null,
              List.of(),
              List.of(m.name() + "-alias"),
              List.of(),
              null,
              Map.of()));
    }
    ids.keySet().forEach(name -> before.put(name, seen(name)));
  }

  Seen seen(String container) {
    ContainerEndpoint e =
        docker.findContainer(container).orElseThrow().networks().get(dn.dockerName());
    return e == null ? null : new Seen(e.ipv4Address(), e.configuredIpv4(), e.aliases());
  }

  AttachedEndpoints attached() {
    Map<String, String> madeBy = new HashMap<>();
    Set<String> live = new java.util.HashSet<>();
    members.forEach(
        (name, m) -> {
          if (m.attachment() != null) {
            madeBy.put(ids.get(name), m.attachment());
            if (m.attachmentLive()) {
              live.add(m.attachment());
            }
          }
        });
    return Endpoints.attached(madeBy, live);
  }

  /**
   * Runs passes of an agent whose gateway is {@code faulty(docker)} until the node settles; an
   * agent that dies is replaced by one without faults, started from the report as last saved.
   *
   * @return the last pass's report
   */
  PassReport<NetworkReport> converge(UnaryOperator<DockerGateway> faulty) {
    return converge(faulty.apply(docker), docker);
  }

  /**
   * As {@link #converge(UnaryOperator)}, on a node whose daemon does what {@code node} does for
   * every agent: one that dies is started again on the same node.
   */
  PassReport<NetworkReport> convergeOn(DockerGateway node) {
    return converge(node, node);
  }

  private PassReport<NetworkReport> converge(DockerGateway first, DockerGateway afterDeath) {
    DockerGateway gateway = first;
    PassReport<NetworkReport> out = null;
    saved = report;
    for (int pass = 0; pass < 6; pass++) {
      NodeNetworkSync agent = new NodeNetworkSync(gateway);
      try {
        out = agent.ensure(dn, saved, uid -> false, this::attached, this::save);
        saved = out.report;
        if (out.report.journal == null && !out.report.reason.equals("EndpointsNotRestored")) {
          return out;
        }
      } catch (DockerUnavailableException died) {
        gateway = afterDeath;
      }
    }
    return out;
  }

  private void save(NetworkJournal journal) {
    NetworkReport pending = NetworkReports.base(dn, null);
    pending.networkId = saved == null ? null : saved.networkId;
    pending.refusedGeneration = saved == null ? null : saved.refusedGeneration;
    pending.journal = Serialization.clone(journal);
    saved = pending;
  }

  /**
   * Starts containers as a daemon coming up does for those its restart policy says to: one that
   * cannot start (its network is gone) stays stopped, and the daemon carries on.
   */
  static Consumer<String> startOrLog(FakeDockerGateway docker) {
    return name -> {
      try {
        docker.startContainer(name);
      } catch (IllegalStateException failedToStart) {
        // logged by the daemon, nothing more
      }
    };
  }

  /** What is missing or changed, one line per endpoint (empty: every endpoint is as before). */
  List<String> lostOrChanged() {
    return lostOrChanged(List.of());
  }

  /**
   * As {@link #lostOrChanged()}; the containers {@code restarted} were stopped meanwhile and
   * started again, so a dynamic address of theirs is one Docker gave anew.
   */
  List<String> lostOrChanged(List<String> restarted) {
    List<String> out = new ArrayList<>();
    before.forEach(
        (name, was) -> {
          Member m = members.get(name);
          boolean released = m.attachment() != null && !m.attachmentLive();
          Seen now = seen(name);
          if (released && now == null) {
            return; // left off on purpose (or, if the change was refused, kept as it was)
          }
          if (now == null) {
            out.add(name + ": missing");
          } else if ((!Objects.equals(now.ipv4(), was.ipv4())
                  && (m.staticIpv4() != null || !restarted.contains(name)))
              || !Objects.equals(now.aliases(), was.aliases())
              || (was.configuredIpv4() != null
                  && !Objects.equals(now.configuredIpv4(), was.configuredIpv4()))) {
            out.add(name + ": was " + was + ", now " + now);
          }
        });
    return out;
  }

  /** How many Docker writes one replacement of this scenario makes (without faults). */
  int writesOfOneReplacement() {
    // disconnect each, remove, create, connect each (released ones are not connected)
    long released =
        members.values().stream()
            .filter(m -> m.attachment() != null && !m.attachmentLive())
            .count();
    return members.size() + 2 + members.size() - (int) released;
  }
}
