package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** A Docker network driver the operator supports. */
public enum NetworkDriver {
  @JsonProperty("bridge")
  BRIDGE,
  @JsonProperty("macvlan")
  MACVLAN,
  @JsonProperty("ipvlan")
  IPVLAN;

  /** The driver name Docker uses. */
  public String dockerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
