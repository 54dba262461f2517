package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.status.EventRecorder.Note;
import java.util.ArrayList;
import java.util.List;

/**
 * What one pass of an agent on one node produced: the report to write and the Kubernetes Events to
 * record.
 */
public final class NodeOutcome<R extends NodeReport> {

  public final R report;
  public final List<Note> notes = new ArrayList<>();

  /** For cleanup: true when nothing is left to do on this node (the finalizer may go). */
  public boolean released;

  public NodeOutcome(R report) {
    this.report = report;
  }

  /**
   * The outcome reporting {@code reason}. Assertions (on in tests) hold each reason to the phase
   * its documentation gives.
   */
  public static <R extends NodeReport> NodeOutcome<R> of(
      R base, Phase phase, ReportReason reason, String message) {
    assert reason.phase() == phase
        : reason + " is documented with " + reason.phase() + ", reported with " + phase;
    return of(base, phase, reason.name(), message);
  }

  /**
   * For a reason passed on as a string: a docker exception's or a {@link Refusal}'s, or the {@code
   * why} of a release. {@code ReasonLiteralsTest} keeps literals out of the main code.
   */
  public static <R extends NodeReport> NodeOutcome<R> of(
      R base, Phase phase, String reason, String message) {
    base.phase = phase;
    base.reason = reason;
    base.message = message;
    return new NodeOutcome<>(base);
  }

  /** An Event with the same word as a report reason. */
  public NodeOutcome<R> normal(ReportReason reason, String message) {
    return normal(reason.name(), message);
  }

  public NodeOutcome<R> warning(ReportReason reason, String message) {
    return warning(reason.name(), message);
  }

  public NodeOutcome<R> normal(String reason, String message) {
    notes.add(new Note(false, reason, message));
    return this;
  }

  public NodeOutcome<R> warning(String reason, String message) {
    notes.add(new Note(true, reason, message));
    return this;
  }
}
