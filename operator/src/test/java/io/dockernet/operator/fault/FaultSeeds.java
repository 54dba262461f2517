package io.dockernet.operator.fault;

/**
 * Seeds of the randomised fault tests: fixed in CI (a seed that once found a bug, kept as a
 * regression case), {@code -D<property>=random} for a fresh one, {@code -D<property>=<n>} to repeat
 * one. The tests log the seed they ran.
 */
final class FaultSeeds {

  private FaultSeeds() {}

  static long seed(String property, long ciSeed) {
    String wanted = System.getProperty(property, "").trim();
    if (wanted.isEmpty()) {
      return ciSeed;
    }
    return wanted.equals("random") ? System.nanoTime() : Long.parseLong(wanted);
  }
}
