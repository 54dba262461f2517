package io.dockernet.operator.api.v1alpha1;

/** What happens to Docker objects when their Kubernetes object goes away. */
public enum DeletionPolicy {
  Delete,
  Orphan;
}
