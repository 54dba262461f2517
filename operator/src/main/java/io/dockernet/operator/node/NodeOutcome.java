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

  public static <R extends NodeReport> NodeOutcome<R> of(
      R base, Phase phase, String reason, String message) {
    base.phase = phase;
    base.reason = reason;
    base.message = message;
    return new NodeOutcome<>(base);
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
