package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;

/**
 * Writes this node's report in the middle of a pass: a journal is saved before anything destructive
 * runs, so that an agent killed halfway resumes from it.
 */
public interface ReportWriter<S extends NodeReport> {

  /** The report as stored now, or null before the first. */
  S stored();

  void write(PassReport<S> report);
}
