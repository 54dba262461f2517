package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.api.v1alpha1.Phase;

/**
 * Why a node does not even try what an object asks, decided before any Docker write: becomes the
 * node's report ({@link Phase#Error}), retried with backoff like any error, so a node whose Engine
 * is upgraded in place picks the object up.
 *
 * @param reason a {@link ReportReason}'s word, e.g. {@code UnsupportedByEngine}
 * @param message for humans: what is refused and what would be needed
 */
public record Refusal(String reason, String message) {

  public Refusal(ReportReason reason, String message) {
    this(reason.name(), message);
  }

  /** The report of a node refusing: {@code base} with phase Error, this reason and message. */
  public <R extends NodeReport> PassReport<R> report(R base) {
    return PassReport.of(base, Phase.Error, reason, message);
  }
}
