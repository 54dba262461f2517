package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** A Docker network's settings as the daemon reported them (`docker network inspect`). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JournaledNetwork {

  @JsonPropertyDescription("Driver.")
  public String driver;

  @JsonPropertyDescription("Driver options.")
  public Map<String, String> options;

  @JsonPropertyDescription("IPAM driver.")
  public String ipamDriver;

  @JsonPropertyDescription("IPAM driver options.")
  public Map<String, String> ipamOptions;

  @JsonPropertyDescription("Address pools.")
  public List<Pool> pools;

  @JsonPropertyDescription("Internal network.")
  public Boolean internal;

  @JsonPropertyDescription("Attachable network.")
  public Boolean attachable;

  @JsonPropertyDescription("IPv6 enabled.")
  public Boolean enableIPv6;

  @JsonPropertyDescription("Docker labels.")
  public Map<String, String> labels;

  /** One address pool, as reported. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Pool {
    @JsonPropertyDescription("Subnet.")
    public String subnet;

    @JsonPropertyDescription("Gateway.")
    public String gateway;

    @JsonPropertyDescription("Dynamic range.")
    public String ipRange;

    @JsonPropertyDescription("Reserved addresses.")
    public Map<String, String> auxAddresses;
  }
}
