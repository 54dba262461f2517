package io.dockernet.operator.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.Keys;
import io.dockernet.operator.PropertySeeds;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.docker.DockerGateway.Ipam;
import io.dockernet.operator.docker.DockerGateway.IpamPool;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.ip.Addresses;
import io.dockernet.operator.network.DesiredNetwork;
import io.dockernet.operator.network.NetworkDifferences;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the spec → Docker request mapping ({@link DesiredNetwork}) and of the comparison
 * with what a daemon reports ({@link NetworkDifferences}), over random valid specs written in every
 * textual form ({@link GeneratedSpecs}): a network created from a spec and read back as a daemon
 * reports it never shows a difference, whatever order and spelling the daemon uses and whatever it
 * fills in on its own; a real change always shows one; canonical forms are fixed points.
 * (GeneratedInputsIT checks the same round trip against a real Engine.)
 */
class DesiredNetworkPropertiesTest {

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void aNetworkReadBackAsTheDaemonReportsItShowsNoDifference(@ForAll("seeds") long seed) {
    GeneratedSpecs gen = new GeneratedSpecs(seed);
    DockerNetwork dn = gen.network("prop", gen.random().nextBoolean());
    NetworkRequest request = DesiredNetwork.from(dn);

    NetworkInfo asReported = readBack(request, gen);

    assertThat(NetworkDifferences.between(dn.getSpec(), request, asReported, true))
        .as("spec %s read back as %s", Serialization.asJson(dn.getSpec()), asReported)
        .isEmpty();
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void aChangedSettingAlwaysShowsADifference(@ForAll("seeds") long seed) {
    GeneratedSpecs gen = new GeneratedSpecs(seed);
    DockerNetwork before = gen.network("prop", false);
    NetworkInfo daemon = readBack(DesiredNetwork.from(before), gen);
    DockerNetwork after = Serialization.clone(before);
    String change = mutate(after, gen.random());

    assertThat(
            NetworkDifferences.between(after.getSpec(), DesiredNetwork.from(after), daemon, true))
        .as("after %s", change)
        .isNotEmpty();
    assertThat(DesiredNetwork.from(after).labels().get(Keys.DOCKER_SPEC_HASH))
        .as("spec hash after %s", change)
        .isNotEqualTo(DesiredNetwork.from(before).labels().get(Keys.DOCKER_SPEC_HASH));
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void aSpecWrittenInAnotherFormIsTheSameNetwork(@ForAll("seeds") long seed) {
    GeneratedSpecs gen = new GeneratedSpecs(seed);
    DockerNetwork dn = gen.network("prop", gen.random().nextBoolean());
    DockerNetwork respelled = Serialization.clone(dn);
    DockerNetworkSpec spec = respelled.getSpec();
    if (spec.ipam != null) {
      for (IpamPoolSpec p : spec.ipam.config) {
        p.subnet = gen.rewrite(p.subnet);
        p.gateway = p.gateway == null ? null : gen.rewrite(p.gateway);
        p.ipRange = p.ipRange == null ? null : gen.rewrite(p.ipRange);
        if (p.auxAddresses != null) {
          p.auxAddresses.replaceAll((k, v) -> gen.rewrite(v));
        }
      }
    }
    spec.options = reversed(spec.options);
    spec.labels = reversed(spec.labels);

    assertThat(DesiredNetwork.from(respelled).labels().get(Keys.DOCKER_SPEC_HASH))
        .isEqualTo(DesiredNetwork.from(dn).labels().get(Keys.DOCKER_SPEC_HASH));
    NetworkInfo createdFromOriginal = readBack(DesiredNetwork.from(dn), gen);
    assertThat(
            NetworkDifferences.between(
                respelled.getSpec(), DesiredNetwork.from(respelled), createdFromOriginal, true))
        .isEmpty();
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void addressesAreSentAsWrittenAndHashedCanonically(@ForAll("seeds") long seed) {
    GeneratedSpecs gen = new GeneratedSpecs(seed);
    DockerNetwork dn = gen.network("prop", true);
    NetworkRequest request = DesiredNetwork.from(dn);
    DockerNetwork canonical = Serialization.clone(dn);
    if (canonical.getSpec().ipam != null) {
      for (int i = 0; i < request.ipam().pools().size(); i++) {
        IpamPool sent = request.ipam().pools().get(i);
        IpamPoolSpec written = dn.getSpec().ipam.config.get(i);
        assertThat(sent.subnet()).isEqualTo(written.subnet.trim());
        assertThat(sent.gateway())
            .isEqualTo(written.gateway == null ? null : written.gateway.trim());
        IpamPoolSpec s = canonical.getSpec().ipam.config.get(i);
        s.subnet = Addresses.canonicalSubnet(s.subnet);
        s.gateway = s.gateway == null ? null : Addresses.canonicalAddress(s.gateway);
        s.ipRange = s.ipRange == null ? null : Addresses.canonicalSubnet(s.ipRange);
        if (s.auxAddresses != null) {
          s.auxAddresses.replaceAll((k, v) -> Addresses.canonicalAddress(v));
        }
      }
    }
    assertThat(DesiredNetwork.from(canonical).labels().get(Keys.DOCKER_SPEC_HASH))
        .isEqualTo(request.labels().get(Keys.DOCKER_SPEC_HASH));
  }

  @Property(tries = 1000, seed = PropertySeeds.JQWIK_SEED)
  void canonicalFormsAreFixedPointsForAnyText(@ForAll String text) {
    String subnet = Addresses.canonicalSubnet(text);
    assertThat(Addresses.canonicalSubnet(subnet)).isEqualTo(subnet);
    String address = Addresses.canonicalAddress(text);
    assertThat(Addresses.canonicalAddress(address)).isEqualTo(address);
  }

  /**
   * The network as a daemon reports it after creating {@code request}: its values in the daemon's
   * spelling (IPv6 in any valid form), pools in any order, a gateway it picked where none was asked
   * for, an IPv6 pool of its own when only IPv4 was declared, "default" for the IPAM driver.
   */
  static NetworkInfo readBack(NetworkRequest request, GeneratedSpecs gen) {
    Random random = gen.random();
    List<IpamPool> pools = new ArrayList<>();
    if (request.ipam() == null || request.ipam().pools().isEmpty()) {
      pools.add(new IpamPool("198.19.200.0/24", "198.19.200.1", null, Map.of()));
    } else {
      boolean anyIpv6 = false;
      for (IpamPool p : request.ipam().pools()) {
        anyIpv6 |= Addresses.isIpv6(p.subnet());
        String gateway =
            p.gateway() != null
                ? gen.rewrite(p.gateway())
                : random.nextBoolean()
                    ? null
                    : gen.write(
                        gen.hostIn(
                            Addresses.parse(p.subnet()).orElseThrow().toPrefixBlock(), false));
        Map<String, String> aux = new LinkedHashMap<>();
        p.auxAddresses().forEach((k, v) -> aux.put(k, gen.rewrite(v)));
        pools.add(
            new IpamPool(
                gen.rewrite(p.subnet()),
                gateway,
                p.ipRange() == null ? null : gen.rewrite(p.ipRange()),
                aux));
      }
      if (!anyIpv6 && random.nextBoolean()) {
        pools.add(new IpamPool("fd99:1:2:3::/64", "fd99:1:2:3::1", null, Map.of()));
      }
      Collections.shuffle(pools, random);
    }
    Ipam ipam =
        new Ipam(
            request.ipam() == null || request.ipam().driver() == null
                ? "default"
                : request.ipam().driver(),
            request.ipam() == null ? Map.of() : request.ipam().options(),
            pools);
    return new NetworkInfo(
        "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef",
        request.name(),
        request.driver(),
        new LinkedHashMap<>(request.options()),
        ipam,
        request.internal(),
        request.attachable(),
        request.enableIpv6(),
        new LinkedHashMap<>(request.labels()),
        List.of());
  }

  /** One change Docker cannot make in place; returns what it was. */
  private static String mutate(DockerNetwork dn, Random random) {
    DockerNetworkSpec spec = dn.getSpec();
    switch (random.nextInt(4)) {
      case 0 -> {
        spec.labels =
            spec.labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(spec.labels);
        spec.labels.merge("tier", "changed", (old, x) -> old + "-changed");
        return "label tier changed";
      }
      case 1 -> {
        spec.options =
            spec.options == null ? new LinkedHashMap<>() : new LinkedHashMap<>(spec.options);
        spec.options.merge("com.example.note", "changed", (old, x) -> old.trim() + "-changed");
        return "option com.example.note changed";
      }
      case 2 -> {
        spec.internal = !Boolean.TRUE.equals(spec.internal);
        return "internal set to " + spec.internal;
      }
      default -> {
        if (spec.ipam == null || spec.ipam.config == null) {
          spec.attachable = !Boolean.TRUE.equals(spec.attachable);
          return "attachable set to " + spec.attachable;
        }
        IpamPoolSpec p = spec.ipam.config.get(0);
        var block = Addresses.parse(p.subnet).orElseThrow().toPrefixBlock();
        var next = block.getUpper().withoutPrefixLength().increment(1);
        p.subnet = next.toCanonicalString() + "/" + block.getNetworkPrefixLength();
        p.gateway = null;
        p.ipRange = null;
        p.auxAddresses = null;
        return "subnet moved to " + p.subnet;
      }
    }
  }

  private static Map<String, String> reversed(Map<String, String> map) {
    if (map == null) {
      return null;
    }
    List<Map.Entry<String, String>> entries = new ArrayList<>(map.entrySet());
    Collections.reverse(entries);
    Map<String, String> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  @Provide
  Arbitrary<Long> seeds() {
    return PropertySeeds.of(400);
  }
}
