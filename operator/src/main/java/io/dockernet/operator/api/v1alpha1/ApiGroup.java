package io.dockernet.operator.api.v1alpha1;

/** The API group and version every kind of this package is served under. */
public final class ApiGroup {
  public static final String GROUP = "dockernet.io";
  public static final String VERSION = "v1alpha1";

  private ApiGroup() {}
}
