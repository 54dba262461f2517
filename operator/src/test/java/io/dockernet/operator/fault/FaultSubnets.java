package io.dockernet.operator.fault;

/**
 * Where the fault tests' networks live: they own 198.18.200.0/24 .. 198.18.255.0/24 (other test
 * classes use 198.18.0-199.x); each network gets a /26, so one /24 holds four.
 */
final class FaultSubnets {

  private FaultSubnets() {}

  /**
   * The {@code index}-th /26 from {@code 198.18.<firstOctet>.0}, e.g. (200, 5) → 198.18.201.64/26.
   */
  static String subnet(int firstOctet, int index) {
    int third = firstOctet + index / 4;
    if (third < 200 || third > 255) {
      throw new IllegalArgumentException("subnet outside the fault tests' range: 198.18." + third);
    }
    return "198.18." + third + "." + (index % 4) * 64 + "/26";
  }

  /** The {@code host}-th address of a /26 from {@link #subnet}. */
  static String address(String subnet26, int host) {
    String base = subnet26.substring(0, subnet26.indexOf('/'));
    int last = base.lastIndexOf('.');
    return base.substring(0, last + 1) + (Integer.parseInt(base.substring(last + 1)) + host);
  }
}
