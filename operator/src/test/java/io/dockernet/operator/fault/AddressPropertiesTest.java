package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddress;
import io.dockernet.operator.PropertySeeds;
import io.dockernet.operator.attachment.StaticAddresses;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.ip.Addresses;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the address checks ({@link Addresses}, {@link StaticAddresses}): the verdict on a
 * static address depends on the address and the pool, never on how either is written; an address is
 * refused exactly when it is outside the subnet, or its network, broadcast, gateway or reserved
 * address. (GeneratedInputsIT compares the parsing with what the API server's CEL accepts.)
 */
class AddressPropertiesTest {

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void theVerdictOnAStaticAddressIsTheRuleAndIgnoresSpelling(@ForAll("seeds") long seed) {
    GeneratedSpecs gen = new GeneratedSpecs(seed);
    boolean v6 = gen.random().nextBoolean();
    IPAddress block = v6 ? gen.ipv6Block() : gen.ipv4Block();
    IPAddress gateway = gen.hostIn(block, false);
    IPAddress aux = gen.hostIn(block, false);
    IPAddress candidate =
        switch (gen.random().nextInt(6)) {
          case 0 -> block.getLower().withoutPrefixLength();
          case 1 -> block.getUpper().withoutPrefixLength();
          case 2 -> gateway;
          case 3 -> aux;
          case 4 -> (v6 ? gen.ipv6Block() : gen.ipv4Block()).getLower().withoutPrefixLength();
          default -> gen.hostIn(block, false);
        };

    String expected = expectedReason(candidate, block, gateway, aux);
    for (int spelling = 0; spelling < 3; spelling++) {
      NetworkInfo network =
          network(
              gen.rewrite(
                  gen.write(gen.hostIn(block, true)) + "/" + block.getNetworkPrefixLength()),
              gen.rewrite(gateway.toCanonicalString()),
              gen.rewrite(aux.toCanonicalString()));
      String text = gen.write(candidate);
      EndpointRequest request =
          new EndpointRequest(
              v6 ? null : text, v6 ? text : null, List.of(), List.of(), List.of(), null, Map.of());
      StaticAddresses.Verdict verdict = StaticAddresses.check(request, network, true);
      assertThat(verdict.reason())
          .as("%s in %s (gateway %s, aux %s)", text, network.ipam().pools(), gateway, aux)
          .isEqualTo(expected);
    }
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void anAddressInAnyValidSpellingParsesToTheSameAddress(@ForAll("seeds") long seed) {
    GeneratedSpecs gen = new GeneratedSpecs(seed);
    IPAddress block = gen.random().nextBoolean() ? gen.ipv6Block() : gen.ipv4Block();
    IPAddress address = gen.hostIn(block, true);
    String one = gen.write(address);
    String other = gen.write(address);
    assertThat(Addresses.parse(one)).isEqualTo(Addresses.parse(other)).contains(address);
    assertThat(Addresses.canonicalAddress(one)).isEqualTo(Addresses.canonicalAddress(other));
    String cidr = one + "/" + block.getNetworkPrefixLength();
    assertThat(Addresses.canonicalSubnet(cidr)).isEqualTo(block.toCanonicalString());
  }

  private static String expectedReason(
      IPAddress candidate, IPAddress block, IPAddress gateway, IPAddress aux) {
    if (!block.contains(candidate)) {
      return "AddressOutsideSubnets";
    }
    if (candidate.equals(block.getLower().withoutPrefixLength())) {
      return "AddressIsNetworkAddress";
    }
    if (candidate.isIPv4()
        && block.getNetworkPrefixLength() < 31
        && candidate.equals(block.getUpper().withoutPrefixLength())) {
      return "AddressIsBroadcast";
    }
    if (candidate.equals(gateway)) {
      return "AddressIsGateway";
    }
    if (candidate.equals(aux)) {
      return "AddressReserved";
    }
    return null;
  }

  private static NetworkInfo network(String subnet, String gateway, String aux) {
    return new NetworkInfo(
        "id",
        "prop-net",
        "bridge",
        Map.of(),
        new Ipam(
            "default", Map.of(), List.of(new IpamPool(subnet, gateway, null, Map.of("r", aux)))),
        false,
        false,
        true,
        Map.of(),
        List.of());
  }

  @Provide
  Arbitrary<Long> seeds() {
    return PropertySeeds.of(1000);
  }
}
