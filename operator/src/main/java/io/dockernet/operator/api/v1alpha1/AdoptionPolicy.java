package io.dockernet.operator.api.v1alpha1;

/** How to treat a same-named Docker network the operator did not create. */
public enum AdoptionPolicy {
  Never,
  IfMatches,
  Recreate;
}
