package io.dockernet.operator.attachment;

import io.dockernet.operator.api.v1alpha1.AttachmentNodeStatus;
import io.dockernet.operator.api.v1alpha1.Phase;
import java.util.ArrayList;
import java.util.List;

/** What one pass on one node produced: the report to write and the events to record. */
final class AttachmentOutcome {

  /** A Kubernetes Event to record. */
  record Note(boolean warning, String reason, String message) {}

  final AttachmentNodeStatus report;
  final List<Note> notes = new ArrayList<>();

  /** For cleanup: true when nothing is left to do on this node (the finalizer may go). */
  boolean released;

  AttachmentOutcome(AttachmentNodeStatus report) {
    this.report = report;
  }

  static AttachmentOutcome of(
      AttachmentNodeStatus base, Phase phase, String reason, String message) {
    base.phase = phase;
    base.reason = reason;
    base.message = message;
    return new AttachmentOutcome(base);
  }

  AttachmentOutcome normal(String reason, String message) {
    notes.add(new Note(false, reason, message));
    return this;
  }

  AttachmentOutcome warning(String reason, String message) {
    notes.add(new Note(true, reason, message));
    return this;
  }
}
