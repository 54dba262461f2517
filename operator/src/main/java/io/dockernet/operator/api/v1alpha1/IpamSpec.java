package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/** IPAM settings of a network. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IpamSpec {

  @JsonPropertyDescription("IPAM driver. Unset means Docker's \"default\".")
  @Size(min = 1, max = 64)
  public String driver;

  @JsonPropertyDescription("IPAM driver options.")
  @Size(max = 32)
  public Map<String, @Size(max = 1024) String> options;

  @JsonPropertyDescription(
      "Address pools. Unset: Docker picks a free subnet from its default address pools.")
  @Size(max = 8)
  public List<IpamPoolSpec> config;
}
