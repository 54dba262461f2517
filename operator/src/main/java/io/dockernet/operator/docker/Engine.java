package io.dockernet.operator.docker;

import java.util.Optional;

/**
 * A node's Docker Engine and the API version the gateway speaks to it: the highest version both
 * sides know, never below the daemon's minimum. Engine 29.0 to 29.2 (and any daemon started with
 * {@code DOCKER_MIN_API_VERSION}) refuse clients older than API 1.44, so no fixed version serves
 * every Engine users run; the oldest Engine supported is 20.10 (API 1.41).
 *
 * @param version the Engine's version as it reports it, e.g. {@code 28.5.2+dfsg4}
 * @param apiVersion the API version negotiated; empty when none exists (see {@link #refusal})
 * @param maxApiVersion the newest API version the daemon speaks
 * @param minApiVersion the oldest API version the daemon accepts (null if it does not say)
 */
public record Engine(
    String version,
    Optional<ApiVersion> apiVersion,
    ApiVersion maxApiVersion,
    ApiVersion minApiVersion) {

  /** API 1.41 is Docker Engine 20.10's, the oldest Engine supported. */
  public static final ApiVersion OLDEST_API = new ApiVersion(1, 41);

  public static final String OLDEST_ENGINE = "20.10";

  /**
   * The newest API version this operator speaks: Engine 28.3 to 28.5's, the newest it is tested
   * against. Newer Engines accept it (Engine 29 accepts 1.44 and newer), so they are spoken to in
   * it until a newer version is tested; the API changes after it (1.52: events without the old
   * status/id/from fields, container inspect without deprecated top-level addresses) are then never
   * seen.
   */
  public static final ApiVersion NEWEST_API = new ApiVersion(1, 51);

  /** Per-node reason when the Engine's newest API is older than {@link #OLDEST_API}. */
  public static final String TOO_OLD = "EngineTooOld";

  /** Per-node reason when the Engine refuses even {@link #NEWEST_API}. */
  public static final String TOO_NEW = "EngineTooNew";

  /**
   * Negotiates with what the daemon's {@code GET /version} says: the highest API version both
   * speak.
   *
   * @param minApi null when the daemon does not state a minimum
   */
  public static Engine negotiate(String version, String maxApi, String minApi) {
    ApiVersion max = ApiVersion.parse(maxApi);
    ApiVersion min = minApi == null ? null : ApiVersion.parse(minApi);
    ApiVersion common = ApiVersion.min(NEWEST_API, max);
    boolean speakable = common.atLeast(OLDEST_API) && (min == null || common.atLeast(min));
    return new Engine(version, speakable ? Optional.of(common) : Optional.empty(), max, min);
  }

  /** True when an API version was negotiated. */
  public boolean supported() {
    return apiVersion.isPresent();
  }

  /** The negotiated version; throws the reason why there is none. */
  public ApiVersion api() {
    return apiVersion.orElseThrow(() -> refusal().orElseThrow());
  }

  /** Why this Engine cannot be spoken to (both sides' versions in the message), if it cannot. */
  public Optional<EngineUnsupportedException> refusal() {
    if (supported()) {
      return Optional.empty();
    }
    if (maxApiVersion.compareTo(OLDEST_API) < 0) {
      return Optional.of(
          new EngineUnsupportedException(
              TOO_OLD,
              "Docker Engine "
                  + version
                  + " speaks Engine API up to "
                  + maxApiVersion
                  + "; dockernet-operator needs API "
                  + OLDEST_API
                  + " or newer (Docker Engine "
                  + OLDEST_ENGINE
                  + " or newer): upgrade Docker on this node"));
    }
    return Optional.of(
        new EngineUnsupportedException(
            TOO_NEW,
            "Docker Engine "
                + version
                + " accepts Engine API "
                + minApiVersion
                + " and newer only; this dockernet-operator speaks API "
                + OLDEST_API
                + " to "
                + NEWEST_API
                + ": upgrade the operator"));
  }

  /** For logs and reports: {@code 28.5.2+dfsg4 (API 1.51)}. */
  @Override
  public String toString() {
    return version
        + apiVersion
            .map(v -> " (API " + v + ")")
            .orElse(" (API " + maxApiVersion + ", unsupported)");
  }
}
