package io.dockernet.operator.api.v1alpha1;

/** Whether to recreate a network whose immutable settings changed. */
public enum RecreatePolicy {
  Auto,
  Never;
}
