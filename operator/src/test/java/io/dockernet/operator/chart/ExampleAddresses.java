package io.dockernet.operator.chart;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves the private IPv4 addresses that examples show readers (10/8, 172.16/12, 192.168/16) into
 * 198.18.0.0/15, the only range tests on this machine may create networks in. Each distinct /24
 * becomes its own {@code 198.18.<n>.0/24} (n counting up from a base), host parts and prefix
 * lengths kept, so subnets, gateways, ranges and static addresses stay consistent.
 */
public final class ExampleAddresses {

  private static final Pattern PRIVATE_V4 =
      Pattern.compile(
          "\\b((?:10\\.\\d{1,3}|172\\.(?:1[6-9]|2\\d|3[01])|192\\.168)\\.\\d{1,3})"
              + "\\.(\\d{1,3})(/\\d{1,2})?\\b");

  private final Map<String, String> prefixes = new LinkedHashMap<>();
  private int next;

  /**
   * @param base the first 198.18.{base}.0/24 to use (tests pick disjoint bases)
   */
  public ExampleAddresses(int base) {
    this.next = base;
  }

  public String rewrite(String text) {
    Matcher m = PRIVATE_V4.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String mask = m.group(3) == null ? "" : m.group(3);
      if (!mask.isEmpty() && Integer.parseInt(mask.substring(1)) < 24) {
        throw new IllegalArgumentException(
            m.group() + ": examples keep to /24 or smaller so that tests can move them");
      }
      String prefix = prefixes.computeIfAbsent(m.group(1), p -> "198.18." + next++);
      m.appendReplacement(out, prefix + "." + m.group(2) + mask);
    }
    m.appendTail(out);
    return out.toString();
  }
}
