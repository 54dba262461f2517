package io.dockernet.operator.docker;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Docker Engine API version such as 1.41, ordered as versions are (1.9 < 1.41). */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

  private static final Pattern FORM = Pattern.compile("v?(\\d+)\\.(\\d+)");

  /** Parses {@code 1.51} (or {@code v1.51}); throws {@link IllegalArgumentException} otherwise. */
  public static ApiVersion parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("not a Docker API version: " + text);
    }
    return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  public boolean atLeast(ApiVersion other) {
    return compareTo(other) >= 0;
  }

  public static ApiVersion min(ApiVersion a, ApiVersion b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public int compareTo(ApiVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
