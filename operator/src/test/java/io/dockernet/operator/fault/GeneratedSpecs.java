package io.dockernet.operator.fault;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.IpamSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Random valid DockerNetwork specs (what the API server accepts) with addresses written in every
 * form a user may write them: IPv6 compressed, in full with leading zeros, in capitals. (Host bits
 * in a subnet are refused at admission, as Engine 25 and newer refuse them.) Seeded: the same seed
 * gives the same specs. Pools are IPv4 in 198.18.0.0/17 and IPv6 in fd00::/8, so the real-daemon
 * round trip can create them too: below the fault tests' 198.18.200-255, where an Engine 20.10
 * restarted in the middle of a create can keep a network its API neither lists nor removes
 * (StaleEngineNetwork), which any later network overlapping it would collide with.
 */
final class GeneratedSpecs {

  /** Driver options with values Engine accepts for them, in the spellings users write. */
  private static final Map<String, List<String>> OPTIONS =
      Map.of(
          "com.docker.network.bridge.enable_icc", List.of("true", "True", "false", "FALSE"),
          "com.docker.network.bridge.enable_ip_masquerade", List.of("true", "false", "1"),
          "com.docker.network.driver.mtu", List.of("1400", "1500"),
          "com.example.note", List.of("a", " spaced ", "a=b,c", "$(id)"));

  private final Random random;

  GeneratedSpecs(long seed) {
    this.random = new Random(seed);
  }

  /** A DockerNetwork named {@code name} with a random valid spec. */
  DockerNetwork network(String name, boolean withIpv6) {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withUid(UUID.nameUUIDFromBytes(name.getBytes()).toString())
            .withGeneration(1L)
            .build());
    DockerNetworkSpec spec = new DockerNetworkSpec();
    spec.options = randomOptions();
    spec.labels =
        randomMap(List.of("tier", "team", "x.y/z", "empty"), List.of("a", "", "b c", "true"), 3);
    spec.internal = randomBoolean();
    spec.attachable = randomBoolean();
    if (random.nextInt(4) > 0) {
      spec.ipam = new IpamSpec();
      spec.ipam.config = new ArrayList<>();
      spec.ipam.config.add(pool(ipv4Block()));
      if (withIpv6) {
        spec.enableIPv6 = true;
        spec.ipam.config.add(pool(ipv6Block()));
      }
      if (random.nextBoolean()) {
        spec.ipam.driver = "default";
      }
    }
    dn.setSpec(spec);
    return dn;
  }

  /** A pool for the block: subnet in a random spelling, optional gateway/range/aux. */
  IpamPoolSpec pool(IPAddress block) {
    IpamPoolSpec pool = new IpamPoolSpec();
    pool.subnet = write(block.getLower()) + "/" + block.getNetworkPrefixLength();
    int free = block.getBitCount() - block.getNetworkPrefixLength();
    if (random.nextBoolean()) {
      pool.gateway = write(hostIn(block, false));
    }
    if (random.nextBoolean() && free >= 3) {
      int rangePrefix = block.getNetworkPrefixLength() + 1 + random.nextInt(free - 2);
      IPAddress range = hostIn(block, false).setPrefixLength(rangePrefix, false).toPrefixBlock();
      pool.ipRange = write(range.getLower().withoutPrefixLength()) + "/" + rangePrefix;
    }
    IPAddress aux = hostIn(block, false);
    // Without a gateway the Engine takes the first address, and refuses an aux address there on
    // the node (BadInputIT's aux-address-on-the-implicit-gateway): a valid spec keeps clear of it.
    IPAddress gateway =
        pool.gateway != null
            ? parse(pool.gateway)
            : block.getLower().increment(1).withoutPrefixLength();
    if (random.nextBoolean() && !aux.equals(gateway)) {
      pool.auxAddresses = new LinkedHashMap<>();
      pool.auxAddresses.put("router", write(aux));
    }
    return pool;
  }

  /** A random IPv4 block inside 198.18.0.0/17, prefix 17..28. */
  IPAddress ipv4Block() {
    int prefix = 17 + random.nextInt(12);
    int bits = (198 << 24) | (18 << 16) | random.nextInt(1 << 15);
    return new IPv4Address(bits).setPrefixLength(prefix, false).toPrefixBlock();
  }

  /** A random IPv6 block inside fd00::/8, prefix 48..120. */
  IPAddress ipv6Block() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    bytes[0] = (byte) 0xfd;
    int prefix = 48 + random.nextInt(73);
    return new IPv6Address(bytes).setPrefixLength(prefix, false).toPrefixBlock();
  }

  /** A random address of the block; not its first or last when {@code anyHost} is false. */
  IPAddress hostIn(IPAddress block, boolean anyHost) {
    BigInteger size = block.getCount();
    BigInteger offset = new BigInteger(size.bitLength() + 8, random).mod(size);
    if (!anyHost && size.compareTo(BigInteger.valueOf(4)) >= 0) {
      offset = offset.mod(size.subtract(BigInteger.TWO)).add(BigInteger.ONE);
    }
    BigInteger value = block.getLower().getValue().add(offset);
    IPAddress address = block.isIPv4() ? new IPv4Address(value.intValue()) : new IPv6Address(value);
    return address.withoutPrefixLength();
  }

  /** The address as a user might write it: canonical, or (IPv6) full, uncompressed or capitals. */
  String write(IPAddress address) {
    IPAddress plain = address.withoutPrefixLength();
    if (plain.isIPv4()) {
      return plain.toCanonicalString();
    }
    return switch (random.nextInt(4)) {
      case 0 -> plain.toCanonicalString();
      case 1 -> plain.toFullString();
      case 2 -> plain.toNormalizedString();
      default -> plain.toCanonicalString().toUpperCase(Locale.ROOT);
    };
  }

  /** Same address, same prefix, another textual form. */
  String rewrite(String text) {
    IPAddressString s = new IPAddressString(text);
    IPAddress a = s.getAddress();
    if (a == null) {
      return text;
    }
    Integer prefix = a.getNetworkPrefixLength();
    return write(a) + (prefix == null ? "" : "/" + prefix);
  }

  private static IPAddress parse(String text) {
    return new IPAddressString(text).getAddress();
  }

  private Map<String, String> randomOptions() {
    List<String> keys = List.copyOf(new java.util.TreeSet<>(OPTIONS.keySet()));
    int n = random.nextInt(3);
    if (n == 0 && random.nextBoolean()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = keys.get(random.nextInt(keys.size()));
      List<String> values = OPTIONS.get(key);
      out.put(key, values.get(random.nextInt(values.size())));
    }
    return out;
  }

  private Boolean randomBoolean() {
    return switch (random.nextInt(3)) {
      case 0 -> null;
      case 1 -> true;
      default -> false;
    };
  }

  private Map<String, String> randomMap(List<String> keys, List<String> values, int max) {
    int n = random.nextInt(max + 1);
    if (n == 0 && random.nextBoolean()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      out.put(keys.get(random.nextInt(keys.size())), values.get(random.nextInt(values.size())));
    }
    return out;
  }

  Random random() {
    return random;
  }
}
