package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.attachment.AttachmentPlan.AsDeclared;
import io.dockernet.operator.attachment.AttachmentPlan.ClaimOnNode;
import io.dockernet.operator.attachment.AttachmentPlan.Decision;
import io.dockernet.operator.attachment.AttachmentPlan.Observed;
import io.dockernet.operator.attachment.AttachmentPlan.Report;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.EngineCapabilities;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.node.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes one node's Docker daemon connect one container to one network exactly as a
 * ContainerAttachment says, or undoes it on cleanup: observe, decide ({@link AttachmentPlan},
 * pure), apply ({@link JournaledConnect}, {@link AttachmentRelease}), report. What the report says
 * the attachment owns is carried from pass to pass ({@link EndpointOwnership}): an endpoint that
 * was there before the attachment is adopted and left as it was when the attachment goes. Transient
 * Docker failures propagate as exceptions (retried with backoff by the caller).
 */
final class NodeAttachmentSync {

  /**
   * The Docker network an attachment names, as the DockerNetwork object describes it.
   *
   * @param dockerName the Docker network name on the node
   * @param declared false when no DockerNetwork of that name exists
   * @param deleting the DockerNetwork is being deleted
   * @param configuredSubnets the DockerNetwork configures its subnets (else Docker picked them)
   */
  record Target(String dockerName, boolean declared, boolean deleting, boolean configuredSubnets) {}

  /**
   * Another attachment, created earlier, that asks for the same address or the same container on
   * the same network: it takes precedence on every node where its container exists.
   */
  record Claim(String attachment, String container, String ipv4Address, String ipv6Address) {}

  /**
   * Saves a report carrying the journal of a connect before Docker is asked; throws if it cannot.
   */
  interface JournalStore {
    void save(AttachmentReport pending);
  }

  private final DockerGateway docker;
  private final HostInterfaces hosts;
  private final NetworkGuard guard;
  private final AttachmentGuard policy;
  private final JournaledConnect connecting;
  private final AttachmentRelease releasing;

  /** Any container, the default bridge included: the policy's own tests say what it refuses. */
  static final NodePolicy OPEN =
      NodePolicy.DEFAULTS.withAttachments(NodePolicy.AttachmentMode.Open, true);

  NodeAttachmentSync(DockerGateway docker, HostInterfaces hosts) {
    this(docker, hosts, new NetworkGuard());
  }

  NodeAttachmentSync(DockerGateway docker, HostInterfaces hosts, NetworkGuard guard) {
    this(docker, hosts, guard, OPEN);
  }

  NodeAttachmentSync(
      DockerGateway docker, HostInterfaces hosts, NetworkGuard guard, NodePolicy policy) {
    this.docker = docker;
    this.hosts = hosts;
    this.guard = guard;
    this.policy = new AttachmentGuard(policy);
    EndpointWrites writes = new EndpointWrites(docker);
    this.connecting = new JournaledConnect(docker, hosts, guard, writes);
    this.releasing = new AttachmentRelease(docker, guard, writes);
  }

  /** As {@link #ensure(ContainerAttachment, Target, List, AttachmentReport, JournalStore)}. */
  PassReport<AttachmentReport> ensure(
      ContainerAttachment ca, Target target, List<Claim> earlier, AttachmentReport previous) {
    return ensure(ca, target, earlier, previous, pending -> {});
  }

  /** As below, for a caller without a pass whose reads it could share. */
  PassReport<AttachmentReport> ensure(
      ContainerAttachment ca,
      Target target,
      List<Claim> earlier,
      AttachmentReport previous,
      JournalStore store) {
    return ensure(ca, target, earlier, previous, store, new FirstReads(docker));
  }

  /**
   * Ensures the container is connected as specified, starting from what the pass read already (see
   * {@link FirstReads}).
   */
  PassReport<AttachmentReport> ensure(
      ContainerAttachment ca,
      Target target,
      List<Claim> earlier,
      AttachmentReport previous,
      JournalStore store,
      FirstReads reads) {
    Optional<Refusal> refused = EngineCapabilities.check(DesiredEndpoint.from(ca), docker.engine());
    if (refused.isPresent()) {
      return refusedBeforeAnyWrite(refused.get(), ca, null, previous);
    }
    ContainerInfo c = reads.container(DesiredEndpoint.specOf(ca).container).orElse(null);
    NetworkInfo net =
        c == null || !target.declared() ? null : reads.network(target.dockerName()).orElse(null);
    if (c != null) {
      Optional<Refusal> notAllowed =
          policy.check(
              DesiredEndpoint.specOf(ca).container,
              c,
              target.dockerName(),
              net,
              DesiredEndpoint.from(ca).aliases());
      if (notAllowed.isPresent()) {
        return refusedBeforeAnyWrite(notAllowed.get(), ca, c, previous);
      }
    }
    Observed observed =
        new Observed(
            c, namespaceOwner(c), net, onNode(earlier, ca), guard.busy(target.dockerName()));
    Decision decision = AttachmentPlan.decide(ca, target, observed, previous, Instant.now());
    AttachmentReport base = AttachmentReports.base(ca, c);
    ContainerEndpoint current = c == null || net == null ? null : c.networks().get(net.name());
    if (c != null) {
      EndpointOwnership.keepIdentity(base, previous, net, current);
    }
    if (decision instanceof Report r) {
      if (r.release() && base.networkId != null && !Boolean.TRUE.equals(base.adopted)) {
        releasing.yieldEndpoint(c, net, base);
      } else if (base.journal != null && base.journal.previous != null && current == null) {
        connecting.putBackAfterInterruptedReconnect(target, c, net, base);
      }
      return PassReport.of(base, r.reason(), r.message());
    }
    if (decision instanceof AsDeclared d) {
      base.journal = null;
      EndpointOwnership.adoptAtFirstSight(base, previous, c, current);
      return AttachmentReports.ready(
          base, c, net, d.endpoint(), DesiredEndpoint.from(ca), d.warnings(), hosts);
    }
    return connecting.apply(target, decision, c, net, previous, base, store);
  }

  /** As {@link AttachmentRelease#abandoned}. */
  boolean abandoned(AttachmentReport report) {
    return releasing.abandoned(report);
  }

  /** As {@link AttachmentRelease#release}. */
  PassReport<AttachmentReport> release(
      ContainerAttachment ca, Target target, AttachmentReport previous, String why) {
    return releasing.release(ca, target, previous, why);
  }

  /**
   * Refused before any Docker write (by the engine or the policy): an endpoint made earlier stays,
   * and what the attachment owns stays said.
   */
  private static PassReport<AttachmentReport> refusedBeforeAnyWrite(
      Refusal refusal, ContainerAttachment ca, ContainerInfo c, AttachmentReport previous) {
    AttachmentReport report = AttachmentReports.base(ca, c);
    if (previous != null) {
      EndpointOwnership.identityOf(report, previous);
    }
    return refusal.report(report);
  }

  private List<ClaimOnNode> onNode(List<Claim> earlier, ContainerAttachment ca) {
    List<ClaimOnNode> out = new ArrayList<>();
    String mine = DesiredEndpoint.specOf(ca).container;
    for (Claim claim : earlier) {
      Optional<ContainerInfo> other =
          docker.findContainer(claim.container().equals(mine) ? mine : claim.container());
      out.add(
          new ClaimOnNode(
              claim,
              other.map(ContainerInfo::id).orElse(null),
              other.map(ContainerInfo::name).orElse(null)));
    }
    return out;
  }

  /** Docker records {@code container:NAME} as {@code container:ID}: name it as users know it. */
  private String namespaceOwner(ContainerInfo c) {
    if (c == null || c.networkMode() == null || !c.networkMode().startsWith("container:")) {
      return null;
    }
    String ref = c.networkMode().substring("container:".length());
    return docker
        .findContainer(ref)
        .map(o -> o.name() + " (" + o.shortId() + ")")
        .orElse(ref + " (no longer exists)");
  }
}
