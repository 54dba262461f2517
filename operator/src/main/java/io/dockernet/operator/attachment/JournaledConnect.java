package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentJournal;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.attachment.AttachmentPlan.Connect;
import io.dockernet.operator.attachment.AttachmentPlan.Decision;
import io.dockernet.operator.attachment.AttachmentPlan.Reconnect;
import io.dockernet.operator.attachment.NodeAttachmentSync.JournalStore;
import io.dockernet.operator.attachment.NodeAttachmentSync.Target;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.metrics.AgentMetrics;
import io.dockernet.operator.node.NetworkGuard;
import io.dockernet.operator.node.PassReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The connect path: a connect or reconnect journaled in the node's report before Docker is asked,
 * so the endpoint is known to be ours, and the one a reconnect replaces known to be put back, even
 * if the agent dies in between; a reconnect Docker refuses, or one cut off, puts it back.
 */
final class JournaledConnect {

  private final DockerGateway docker;
  private final HostInterfaces hosts;
  private final NetworkGuard guard;
  private final EndpointWrites writes;

  JournaledConnect(
      DockerGateway docker, HostInterfaces hosts, NetworkGuard guard, EndpointWrites writes) {
    this.docker = docker;
    this.hosts = hosts;
    this.guard = guard;
    this.writes = writes;
  }

  /** Carries out a {@link Connect} or {@link Reconnect}, unless the network is being replaced. */
  PassReport<AttachmentReport> apply(
      Target target,
      Decision decision,
      ContainerInfo c,
      NetworkInfo net,
      AttachmentReport previous,
      AttachmentReport base,
      JournalStore store) {
    return guard
        .unlessReplacing(
            net.name(), () -> journaled(target, decision, c, net, previous, base, store))
        .orElseGet(
            () ->
                PassReport.of(
                    base,
                    AttachmentReason.NetworkRecreating,
                    "Docker network "
                        + net.name()
                        + " is being replaced; connecting once it is back"));
  }

  /**
   * A reconnect was cut off after its disconnect (the agent stopped), and the spec now asks for
   * nothing to connect (it became invalid, or another attachment claims the address): the endpoint
   * it replaced goes back as it was.
   */
  void putBackAfterInterruptedReconnect(
      Target target, ContainerInfo c, NetworkInfo net, AttachmentReport base) {
    if (net == null) {
      return;
    }
    EndpointSnapshot was = base.journal.previous;
    guard.unlessReplacing(
        net.name(),
        () -> {
          writes.putBack(net.id(), c.id(), was, net, target.configuredSubnets());
          base.journal = null;
          return true;
        });
  }

  private PassReport<AttachmentReport> journaled(
      Target target,
      Decision decision,
      ContainerInfo c,
      NetworkInfo net,
      AttachmentReport previous,
      AttachmentReport base,
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
      writes.disconnectQuietly(net.id(), c.id());
    }
    try {
      docker.connect(net.id(), c.id(), request);
    } catch (DockerConflictException | DockerRejectedException e) {
      return refused(base, target, c, net, request, putBack, e);
    } catch (DockerNotFoundException e) {
      base.journal = putBack == null ? null : journal;
      return PassReport.of(
          base, AttachmentReason.Vanished, "container or network went away: " + e.getMessage());
    }
    base.journal = null;
    ContainerInfo after = docker.findContainer(c.id()).orElse(c);
    ContainerEndpoint endpoint = after.networks().get(net.name());
    if (endpoint == null) {
      return PassReport.of(
          base,
          AttachmentReason.NotVerified,
          "connected " + c.name() + " to " + net.name() + " but Docker does not report it yet");
    }
    PassReport<AttachmentReport> out =
        AttachmentReports.ready(
            base, after, net, endpoint, request, new ArrayList<>(warnings), hosts);
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
      out.normal(AttachmentReason.Attached, "connected " + c.name() + " to " + net.name() + where);
    }
    warnings.forEach(w -> out.warning(w.substring(0, w.indexOf(':')), w));
    return out;
  }

  /** Docker refused the connect: say why, and put back the endpoint a reconnect replaced. */
  private PassReport<AttachmentReport> refused(
      AttachmentReport base,
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
    AttachmentReason reason =
        taker != null
            ? AttachmentReason.AddressInUse
            : e instanceof DockerConflictException
                ? AttachmentReason.ConnectConflict
                : AttachmentReason.ConnectRejected;
    String message =
        taker != null
            ? AddressConflicts.inUse(request, net.name(), taker)
            : "Docker refused: " + e.getMessage();
    if (putBack == null) {
      base.journal = null;
      base.networkId = null;
      return PassReport.of(base, reason, message);
    }
    try {
      NetworkInfo now = docker.findNetwork(net.id()).orElse(net);
      writes.putBack(net.id(), c.id(), putBack, now, target.configuredSubnets());
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
      return PassReport.of(
              base,
              reason,
              message + "; the previous endpoint of " + c.name() + " was put back as it was")
          .warning(reason, message + "; the previous endpoint was put back");
    } catch (DockerException again) {
      // The journal stays: the next pass tries the change, then the way back, again.
      return PassReport.of(
          base,
          AttachmentReason.ReconnectFailed,
          message
              + "; putting the previous endpoint back failed too ("
              + again.getMessage()
              + "); it is kept in this report's journal and retried");
    }
  }

  private static AttachmentReport journalReport(
      AttachmentReport base, String what, ContainerInfo c, NetworkInfo net) {
    base.phase = Phase.Pending;
    base.reason = AttachmentReason.Connecting.name();
    base.message = what + " " + c.name() + " to " + net.name();
    return base;
  }
}
