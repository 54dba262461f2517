package io.dockernet.operator.api.v1alpha1;

/** Where one node stands with one object. */
public enum Phase {
  /** Work is under way (first reconcile, recreate in progress). */
  Pending,
  /** Docker on the node matches the spec. */
  Ready,
  /**
   * Docker differs from the spec and the operator was told not to change it (recreatePolicy Never).
   */
  OutOfSync,
  /** Nothing is wrong, but something outside the operator must happen first. */
  Waiting,
  /** Docker refused a request or could not be reached; retried with backoff. */
  Error,
  /** Another party owns what the spec asks for; nothing is changed until that is resolved. */
  Conflict,
  /** Cleanup is held back so as not to cut off something the operator does not own. */
  Blocked,
  /** Cleanup on this node is under way. */
  Deleting
}
