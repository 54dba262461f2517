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
public final class PassReport<R extends NodeReport> {

  public final R report;
  public final List<Note> notes = new ArrayList<>();

  /** For cleanup: true when nothing is left to do on this node (the finalizer may go). */
  public boolean released;

  public PassReport(R report) {
    this.report = report;
  }

  /** The report reporting {@code reason}, in the phase the reason comes with. */
  public static <R extends NodeReport> PassReport<R> of(
      R base, ReportReason reason, String message) {
    return of(base, reason.phase(), reason.name(), message);
  }

  /**
   * For a reason passed on as a string: a docker exception's or a {@link Refusal}'s, or the {@code
   * why} of a release. {@code ReasonLiteralsTest} keeps literals out of the main code.
   */
  public static <R extends NodeReport> PassReport<R> of(
      R base, Phase phase, String reason, String message) {
    base.phase = phase;
    base.reason = reason;
    base.message = message;
    return new PassReport<>(base);
  }

  /** An Event with the same word as a report reason. */
  public PassReport<R> normal(ReportReason reason, String message) {
    return normal(reason.name(), message);
  }

  public PassReport<R> warning(ReportReason reason, String message) {
    return warning(reason.name(), message);
  }

  public PassReport<R> normal(String reason, String message) {
    notes.add(new Note(false, reason, message));
    return this;
  }

  public PassReport<R> warning(String reason, String message) {
    notes.add(new Note(true, reason, message));
    return this;
  }
}
