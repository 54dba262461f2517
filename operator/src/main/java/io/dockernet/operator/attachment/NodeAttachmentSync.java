package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentJournal;
import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.attachment.AttachmentPlan.AsDeclared;
import io.dockernet.operator.attachment.AttachmentPlan.ClaimOnNode;
import io.dockernet.operator.attachment.AttachmentPlan.Connect;
import io.dockernet.operator.attachment.AttachmentPlan.Decision;
import io.dockernet.operator.attachment.AttachmentPlan.Observed;
import io.dockernet.operator.attachment.AttachmentPlan.Reconnect;
import io.dockernet.operator.attachment.AttachmentPlan.Report;
import io.dockernet.operator.config.NodePolicy;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.docker.EngineCapabilities;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.network.EndpointSnapshots;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.NodeOutcome;
import io.dockernet.operator.node.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes one node's Docker daemon connect one container to one network exactly as a
 * ContainerAttachment says, or undoes it on cleanup: observe, decide ({@link AttachmentPlan},
 * pure), apply, report. Every connect is journaled in the node's report before Docker is asked, so
 * the endpoint is known to be ours even if the agent dies right after; a reconnect Docker refuses
 * puts the previous endpoint back; an endpoint that was there before the attachment is adopted and
 * left as it was when the attachment goes. Transient Docker failures propagate as exceptions
 * (retried with backoff by the caller).
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
    void save(AttachmentNodeStatus pending);
  }

  private final DockerGateway docker;
  private final HostInterfaces hosts;
  private final NetworkGuard guard;
  private final AttachmentGuard policy;

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
  }

  /** As {@link #ensure(ContainerAttachment, Target, List, AttachmentNodeStatus, JournalStore)}. */
  NodeOutcome<AttachmentNodeStatus> ensure(
      ContainerAttachment ca, Target target, List<Claim> earlier, AttachmentNodeStatus previous) {
    return ensure(ca, target, earlier, previous, pending -> {});
  }

  /** Ensures the container is connected as specified. */
  NodeOutcome<AttachmentNodeStatus> ensure(
      ContainerAttachment ca,
      Target target,
      List<Claim> earlier,
      AttachmentNodeStatus previous,
      JournalStore store) {
    Optional<Refusal> refused = EngineCapabilities.check(DesiredEndpoint.from(ca), docker.engine());
    if (refused.isPresent()) {
      // Before any Docker write; what the attachment owns stays said.
      AttachmentNodeStatus report = AttachmentReports.base(ca, null);
      if (previous != null) {
        identityOf(report, previous);
      }
      return refused.get().outcome(report);
    }
    ContainerInfo c = docker.findContainer(DesiredEndpoint.specOf(ca).container).orElse(null);
    NetworkInfo net =
        c == null || !target.declared()
            ? null
            : docker.findNetwork(target.dockerName()).orElse(null);
    if (c != null) {
      Optional<Refusal> notAllowed =
          policy.check(
              DesiredEndpoint.specOf(ca).container,
              c,
              target.dockerName(),
              net,
              DesiredEndpoint.from(ca).aliases());
      if (notAllowed.isPresent()) {
        // Before any Docker write; an endpoint made earlier stays, and stays said.
        AttachmentNodeStatus report = AttachmentReports.base(ca, c);
        if (previous != null) {
          identityOf(report, previous);
        }
        return notAllowed.get().outcome(report);
      }
    }
    Observed observed =
        new Observed(
            c, namespaceOwner(c), net, onNode(earlier, ca), guard.busy(target.dockerName()));
    Decision decision = AttachmentPlan.decide(ca, target, observed, previous, Instant.now());
    AttachmentNodeStatus base = AttachmentReports.base(ca, c);
    ContainerEndpoint current = c == null || net == null ? null : c.networks().get(net.name());
    if (c != null) {
      keepIdentity(base, previous, net, current);
    }
    if (decision instanceof Report r) {
      if (r.release() && base.networkId != null && !Boolean.TRUE.equals(base.adopted)) {
        Optional<Boolean> released =
            guard.unlessReplacing(net.name(), () -> disconnectQuietly(net.id(), c.id()));
        if (released.isPresent()) {
          base.networkId = null;
          base.endpointId = null;
          base.journal = null;
        }
      } else if (base.journal != null && base.journal.previous != null && current == null) {
        putBackAfterInterruptedReconnect(target, c, net, base);
      }
      return NodeOutcome.of(base, r.phase(), r.reason(), r.message());
    }
    if (decision instanceof AsDeclared d) {
      base.journal = null;
      adoptAtFirstSight(base, previous, c, current);
      return ready(base, c, net, d.endpoint(), DesiredEndpoint.from(ca), d.warnings());
    }
    return guard
        .unlessReplacing(
            net.name(), () -> apply(ca, target, decision, c, net, previous, base, store))
        .orElseGet(
            () ->
                NodeOutcome.of(
                    base,
                    Phase.Pending,
                    "NetworkRecreating",
                    "Docker network "
                        + net.name()
                        + " is being replaced; connecting once it is back"));
  }

  /** True when the endpoint the container has is one this attachment made (or is making). */
  static boolean ours(AttachmentNodeStatus previous, String containerId) {
    return previous != null
        && containerId.equals(previous.containerId)
        && !Boolean.TRUE.equals(previous.adopted)
        && (previous.networkId != null || previous.journal != null);
  }

  /**
   * What the last report said the attachment owns stays said: the endpoint it made (or adopted),
   * and a connect under way with the endpoint to put back, until a decision changes it. A report
   * that dropped them (e.g. while the network was being replaced) would turn the endpoint into
   * someone else's.
   */
  private static void keepIdentity(
      AttachmentNodeStatus base,
      AttachmentNodeStatus previous,
      NetworkInfo net,
      ContainerEndpoint current) {
    if (previous == null || !base.containerId.equals(previous.containerId)) {
      return;
    }
    boolean adopted = Boolean.TRUE.equals(previous.adopted);
    if (!ours(previous, base.containerId) && !adopted) {
      return;
    }
    boolean here = current != null && net != null;
    base.networkId = here ? net.id() : previous.networkId;
    base.endpointId = here ? current.endpointId() : previous.endpointId;
    base.adopted = adopted ? true : null;
    base.adoptedEndpoint = adopted ? previous.adoptedEndpoint : null;
    base.journal = previous.journal;
  }

  /**
   * A reconnect was cut off after its disconnect (the agent stopped), and the spec now asks for
   * nothing to connect (it became invalid, or another attachment claims the address): the endpoint
   * it replaced goes back as it was.
   */
  private void putBackAfterInterruptedReconnect(
      Target target, ContainerInfo c, NetworkInfo net, AttachmentNodeStatus base) {
    if (net == null) {
      return;
    }
    EndpointSnapshot was = base.journal.previous;
    guard.unlessReplacing(
        net.name(),
        () -> {
          connectOrPlain(
              net.id(),
              c.id(),
              EndpointSnapshots.restoreRequest(was, net, target.configuredSubnets()),
              EndpointSnapshots.asConfigured(was));
          base.journal = null;
          return true;
        });
  }

  /** An endpoint found as declared that this attachment never made was there before it. */
  private static void adoptAtFirstSight(
      AttachmentNodeStatus base,
      AttachmentNodeStatus previous,
      ContainerInfo c,
      ContainerEndpoint current) {
    if (base.networkId != null || ours(previous, c.id())) {
      return;
    }
    base.adopted = true;
    base.adoptedEndpoint = EndpointSnapshots.of(c.id(), c.name(), current, null);
  }

  private NodeOutcome<AttachmentNodeStatus> apply(
      ContainerAttachment ca,
      Target target,
      Decision decision,
      ContainerInfo c,
      NetworkInfo net,
      AttachmentNodeStatus previous,
      AttachmentNodeStatus base,
      JournalStore store) {
    EndpointSnapshot putBack;
    EndpointRequest request;
    List<String> warnings;
    String what;
    AttachmentJournal journal = new AttachmentJournal();
    journal.networkId = net.id();
    journal.containerId = c.id();
    if (decision instanceof Reconnect r) {
      if (base.networkId == null) {
        // The endpoint was there before this attachment: it is adopted, and put back on delete.
        base.adopted = true;
        base.adoptedEndpoint = r.previous();
      }
      journal.action = "Reconnect";
      journal.previous = r.previous();
      putBack = r.previous();
      request = r.request();
      warnings = r.warnings();
      what = "reconnecting";
    } else {
      Connect connect = (Connect) decision;
      journal.action = "Connect";
      // Resuming a reconnect whose connect never happened: its endpoint is still to put back.
      journal.previous =
          previous != null
                  && previous.journal != null
                  && c.id().equals(previous.journal.containerId)
              ? previous.journal.previous
              : null;
      putBack = journal.previous;
      request = connect.request();
      warnings = connect.warnings();
      what = putBack != null ? "reconnecting" : "connecting";
    }
    if (putBack == null && decision instanceof Connect) {
      // A new endpoint is this attachment's own, whatever the container had before.
      base.adopted = null;
      base.adoptedEndpoint = null;
    }
    base.networkId = net.id();
    base.journal = journal;
    store.save(journalReport(base, what, c, net));
    if (decision instanceof Reconnect) {
      disconnectQuietly(net.id(), c.id());
    }
    try {
      docker.connect(net.id(), c.id(), request);
    } catch (DockerConflictException | DockerRejectedException e) {
      return refused(base, target, c, net, request, putBack, e);
    } catch (DockerNotFoundException e) {
      base.journal = putBack == null ? null : journal;
      return NodeOutcome.of(
          base, Phase.Pending, "Vanished", "container or network went away: " + e.getMessage());
    }
    base.journal = null;
    ContainerInfo after = docker.findContainer(c.id()).orElse(c);
    ContainerEndpoint endpoint = after.networks().get(net.name());
    if (endpoint == null) {
      return NodeOutcome.of(
          base,
          Phase.Pending,
          "NotVerified",
          "connected " + c.name() + " to " + net.name() + " but Docker does not report it yet");
    }
    NodeOutcome<AttachmentNodeStatus> out =
        ready(base, after, net, endpoint, request, new ArrayList<>(warnings));
    String where = " (" + AttachmentReports.describeAddress(endpoint) + ")";
    if (decision instanceof Reconnect r) {
      out.normal(
          "Reconnected",
          "reconnected "
              + c.name()
              + " to "
              + net.name()
              + where
              + ": "
              + String.join("; ", r.differences()));
    } else if (previous != null
        && previous.phase == Phase.Ready
        && c.id().equals(previous.containerId)) {
      out.warning(
          AgentMetrics.DRIFT_REPAIRED,
          "container "
              + c.name()
              + " had been disconnected from "
              + net.name()
              + " outside the operator; reattached"
              + where);
    } else {
      out.normal("Attached", "connected " + c.name() + " to " + net.name() + where);
    }
    warnings.forEach(w -> out.warning(w.substring(0, w.indexOf(':')), w));
    return out;
  }

  /** Docker refused the connect: say why, and put back the endpoint a reconnect replaced. */
  private NodeOutcome<AttachmentNodeStatus> refused(
      AttachmentNodeStatus base,
      Target target,
      ContainerInfo c,
      NetworkInfo net,
      EndpointRequest request,
      EndpointSnapshot putBack,
      DockerException e) {
    String taker =
        e instanceof DockerConflictException
            ? AddressConflicts.holderOf(docker.findNetwork(net.id()).orElse(net), c.id(), request)
            : null;
    Phase phase =
        taker != null || e instanceof DockerConflictException ? Phase.Conflict : Phase.Error;
    String reason =
        taker != null
            ? "AddressInUse"
            : e instanceof DockerConflictException ? "ConnectConflict" : "ConnectRejected";
    String message =
        taker != null
            ? AddressConflicts.inUse(request, net.name(), taker)
            : "Docker refused: " + e.getMessage();
    if (putBack == null) {
      base.journal = null;
      base.networkId = null;
      return NodeOutcome.of(base, phase, reason, message);
    }
    try {
      NetworkInfo now = docker.findNetwork(net.id()).orElse(net);
      EndpointRequest restore =
          EndpointSnapshots.restoreRequest(putBack, now, target.configuredSubnets());
      connectOrPlain(net.id(), c.id(), restore, EndpointSnapshots.asConfigured(putBack));
      base.journal = null;
      base.endpointId = null;
      if (!Boolean.TRUE.equals(base.adopted)) {
        base.endpointId =
            docker
                .findContainer(c.id())
                .map(x -> x.networks().get(net.name()))
                .map(ContainerEndpoint::endpointId)
                .orElse(null);
      }
      return NodeOutcome.of(
              base,
              phase,
              reason,
              message + "; the previous endpoint of " + c.name() + " was put back as it was")
          .warning(reason, message + "; the previous endpoint was put back");
    } catch (DockerException again) {
      // The journal stays: the next pass tries the change, then the way back, again.
      return NodeOutcome.of(
          base,
          Phase.Error,
          "ReconnectFailed",
          message
              + "; putting the previous endpoint back failed too ("
              + again.getMessage()
              + "); it is kept in this report's journal and retried");
    }
  }

  private void connectOrPlain(
      String networkId, String containerId, EndpointRequest pinned, EndpointRequest plain) {
    try {
      docker.connect(networkId, containerId, pinned);
    } catch (DockerConflictException | DockerRejectedException taken) {
      if (pinned.equals(plain)) {
        throw taken;
      }
      docker.connect(networkId, containerId, plain);
    }
  }

  private static AttachmentNodeStatus journalReport(
      AttachmentNodeStatus base, String what, ContainerInfo c, NetworkInfo net) {
    base.phase = Phase.Pending;
    base.reason = "Connecting";
    base.message = what + " " + c.name() + " to " + net.name();
    return base;
  }

  /**
   * Undoes what this attachment did on this node: disconnects an endpoint it made (wherever the
   * network now has it, e.g. after a replacement under a new ID); an endpoint it adopted is left
   * connected, put back as it was if the attachment had changed it. Other endpoints and other
   * containers are never touched.
   */
  NodeOutcome<AttachmentNodeStatus> release(
      ContainerAttachment ca, Target target, AttachmentNodeStatus previous, String why) {
    NodeOutcome<AttachmentNodeStatus> done =
        NodeOutcome.of(AttachmentReports.base(ca, null), Phase.Deleting, why, "released");
    done.released = true;
    if (previous == null || previous.containerId == null) {
      return done;
    }
    ContainerInfo c = docker.findContainer(previous.containerId).orElse(null);
    if (c == null) {
      return done;
    }
    boolean adopted = Boolean.TRUE.equals(previous.adopted);
    if (!adopted && !ours(previous, c.id())) {
      return done;
    }
    if (guard.busy(target.dockerName())) {
      // A replacement may have this endpoint disconnected right now and will put it back: releasing
      // on the strength of "not connected" would leave it connected for good and unmanaged.
      return recreatingMeanwhile(ca, c, previous, target.dockerName());
    }
    Optional<NetworkInfo> net = networkOf(c, previous, target);
    if (net.isEmpty()) {
      return done;
    }
    Optional<NodeOutcome<AttachmentNodeStatus>> result =
        guard.unlessReplacing(
            net.get().name(),
            () ->
                adopted
                    ? putBackAdopted(c, net.get(), previous, target, done)
                    : disconnect(c, net.get(), previous, done));
    return result.orElseGet(() -> recreatingMeanwhile(ca, c, previous, net.get().name()));
  }

  private static NodeOutcome<AttachmentNodeStatus> recreatingMeanwhile(
      ContainerAttachment ca, ContainerInfo c, AttachmentNodeStatus previous, String network) {
    return NodeOutcome.of(
        identityOf(AttachmentReports.base(ca, c), previous),
        Phase.Pending,
        "NetworkRecreating",
        "Docker network " + network + " is being replaced; releasing after");
  }

  /** A report that keeps what the last one said the attachment owns, so a retry still knows. */
  private static AttachmentNodeStatus identityOf(
      AttachmentNodeStatus report, AttachmentNodeStatus previous) {
    report.containerId = previous.containerId;
    report.containerName = previous.containerName;
    report.networkId = previous.networkId;
    report.endpointId = previous.endpointId;
    report.adopted = previous.adopted;
    report.adoptedEndpoint = previous.adoptedEndpoint;
    report.journal = previous.journal;
    return report;
  }

  /** The network the container's endpoint of ours is on: the reported one, else by name. */
  private Optional<NetworkInfo> networkOf(
      ContainerInfo c, AttachmentNodeStatus previous, Target target) {
    String reported = previous.journal != null ? previous.journal.networkId : previous.networkId;
    Optional<NetworkInfo> byId = reported == null ? Optional.empty() : docker.findNetwork(reported);
    if (byId.isPresent() && c.networks().containsKey(byId.get().name())) {
      return byId;
    }
    return docker.findNetwork(target.dockerName()).filter(n -> c.networks().containsKey(n.name()));
  }

  private NodeOutcome<AttachmentNodeStatus> disconnect(
      ContainerInfo c,
      NetworkInfo net,
      AttachmentNodeStatus previous,
      NodeOutcome<AttachmentNodeStatus> done) {
    try {
      docker.disconnect(net.id(), c.id(), true);
    } catch (DockerNotFoundException gone) {
      return done;
    } catch (DockerConflictException | DockerRejectedException e) {
      return NodeOutcome.of(
          identityOf(done.report, previous),
          Phase.Error,
          "DisconnectRejected",
          "Docker refused: " + e.getMessage());
    }
    return done.normal("Detached", "disconnected " + c.name() + " from network " + net.name());
  }

  /** An adopted endpoint stays; if the attachment changed it, it goes back to how it was. */
  private NodeOutcome<AttachmentNodeStatus> putBackAdopted(
      ContainerInfo c,
      NetworkInfo net,
      AttachmentNodeStatus previous,
      Target target,
      NodeOutcome<AttachmentNodeStatus> done) {
    EndpointSnapshot was = previous.adoptedEndpoint;
    ContainerEndpoint current = c.networks().get(net.name());
    if (was == null
        || current == null
        || DesiredEndpoint.differences(EndpointSnapshots.asConfigured(was), current).isEmpty()) {
      return done.normal(
          "Released", "left " + c.name() + " on network " + net.name() + ": it was there before");
    }
    disconnectQuietly(net.id(), c.id());
    connectOrPlain(
        net.id(),
        c.id(),
        EndpointSnapshots.restoreRequest(was, net, target.configuredSubnets()),
        EndpointSnapshots.asConfigured(was));
    return done.normal(
        "Released",
        "put " + c.name() + " back on network " + net.name() + " as it was before the attachment");
  }

  private boolean disconnectQuietly(String networkId, String containerId) {
    try {
      docker.disconnect(networkId, containerId, true);
    } catch (DockerNotFoundException gone) {
      // Gone meanwhile: the goal is reached.
    }
    return true;
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

  private NodeOutcome<AttachmentNodeStatus> ready(
      AttachmentNodeStatus base,
      ContainerInfo c,
      NetworkInfo net,
      ContainerEndpoint endpoint,
      EndpointRequest desired,
      List<String> warnings) {
    List<String> all = new ArrayList<>(warnings);
    AttachmentReports.fillEndpoint(base, c, net, endpoint, hosts);
    if (endpoint.endpointId() != null
        && desired.macAddress() != null
        && !desired.macAddress().equalsIgnoreCase(String.valueOf(endpoint.macAddress()))) {
      all.add(
          "MacAddressIgnored: Docker assigned "
              + endpoint.macAddress()
              + " instead of "
              + desired.macAddress()
              + " (Docker Engines ignore the MAC address on connect before API 1.54)");
    }
    base.warnings = all.isEmpty() ? null : List.copyOf(all);
    String message =
        c.running()
            ? "container "
                + c.name()
                + " is attached to "
                + net.name()
                + " at "
                + AttachmentReports.describeAddress(endpoint)
            : "container "
                + c.name()
                + " is not running; Docker connects it to "
                + net.name()
                + " as declared when it starts";
    if (!all.isEmpty()) {
      message += "; warning: " + String.join("; ", all);
    }
    return NodeOutcome.of(base, Phase.Ready, c.running() ? "Attached" : "Configured", message);
  }
}
