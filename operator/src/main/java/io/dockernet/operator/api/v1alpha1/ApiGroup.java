package io.dockernet.operator.api.v1alpha1;

/** The API group and version every kind of this package is served under. */
public final class ApiGroup {
  public static final String GROUP = "dockernet.io";
  public static final String VERSION = "v1alpha1";

  /** `kubectl get dockernet` lists every kind of this group. */
  public static final String CATEGORY = "dockernet";

  /** Printer column paths of the Ready condition, shared by the two kinds that have one. */
  public static final String READY_STATUS = ".status.conditions[?(@.type==\"Ready\")].status";

  public static final String READY_REASON = ".status.conditions[?(@.type==\"Ready\")].reason";
  public static final String READY_MESSAGE = ".status.conditions[?(@.type==\"Ready\")].message";

  private ApiGroup() {}
}
