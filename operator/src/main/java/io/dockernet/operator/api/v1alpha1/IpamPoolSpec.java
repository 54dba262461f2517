package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** One address pool: a subnet with an optional gateway, dynamic range and reserved addresses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway) ||"
            + " cidr(self.subnet).containsIP(self.gateway)",
    message = "gateway must be inside subnet")
@ValidationRule(
    value =
        "!has(self.ipRange) || !isCIDR(self.subnet) || !isCIDR(self.ipRange) ||"
            + " cidr(self.subnet).containsCIDR(self.ipRange)",
    message = "ipRange must be inside subnet")
@ValidationRule(
    value =
        "!has(self.auxAddresses) || !isCIDR(self.subnet) || self.auxAddresses.all(k,"
            + " !isIP(self.auxAddresses[k]) || cidr(self.subnet).containsIP(self.auxAddresses[k]))",
    message = "every auxAddresses value must be inside subnet")
public class IpamPoolSpec {

  @JsonPropertyDescription(
      "Subnet in CIDR form, e.g. 172.18.0.0/24 or fd00:1::/64, without host bits (198.18.37.5/24"
          + " is refused: it should be 198.18.37.0/24). Sent to Docker as written.")
  @Required
  @Size(max = 64)
  @ValidationRule(
      value = "isCIDR(self)",
      message = "subnet must be a CIDR such as 172.18.0.0/24 or fd00:1::/64")
  // The Engine's own words (Engine 25+ refuses host bits; 20.10 would store them as written).
  // format(), not +: a concatenation with string(cidr) has no size bound for the cost estimate.
  @ValidationRule(
      value = "!isCIDR(self) || cidr(self).ip() == cidr(self).masked().ip()",
      message = "subnet must not have host bits set",
      messageExpression =
          "'invalid subnet %s: it should be %s'.format([string(cidr(self)),"
              + " string(cidr(self).masked())])")
  public String subnet;

  @JsonPropertyDescription("Gateway address inside the subnet. Unset: Docker picks the first.")
  @Size(max = 64)
  @ValidationRule(value = "isIP(self)", message = "gateway must be an IP address")
  public String gateway;

  @JsonPropertyDescription(
      "Sub-range (CIDR, without host bits) from which Docker assigns dynamic addresses. Keep"
          + " static container addresses outside it.")
  @Size(max = 64)
  @ValidationRule(value = "isCIDR(self)", message = "ipRange must be a CIDR")
  @ValidationRule(
      value = "!isCIDR(self) || cidr(self).ip() == cidr(self).masked().ip()",
      message = "ipRange must not have host bits set",
      messageExpression =
          "'invalid ip-range %s: it should be %s'.format([string(cidr(self)),"
              + " string(cidr(self).masked())])")
  public String ipRange;

  @JsonPropertyDescription(
      "Addresses Docker must not assign to containers, by host name (`--aux-address`).")
  @Size(max = 16)
  @ValidationRule(
      value = "self.all(k, isIP(self[k]))",
      message = "every auxAddresses value must be an IP address")
  public Map<String, @Size(max = 45) String> auxAddresses;
}
