package io.dockernet.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeds property tests run with. In CI every run uses the same ones (deterministic); to
 * explore, run with {@code -Dproperty.seed=random} (a fresh base seed, printed) or {@code
 * -Dproperty.seed=<n>} (that base seed again), e.g. {@code mvn -pl operator test
 * -Dtest='*PropertiesTest' -Dproperty.seed=random}. A failing seed found that way becomes a fixed
 * regression case of the test it broke.
 *
 * <p>Use: {@code @Property(generation = GenerationMode.EXHAUSTIVE) void p(@ForAll("seeds") long
 * seed)} with {@code @Provide Arbitrary<Long> seeds() { return PropertySeeds.of(400); }}.
 */
public final class PropertySeeds {

  /** The base seed of CI runs. */
  public static final long CI_BASE = 20_261_202L;

  /** jqwik's own seed for properties over jqwik-generated values (fixed in CI). */
  public static final String JQWIK_SEED = "20261202";

  private static final Logger LOG = LoggerFactory.getLogger(PropertySeeds.class);
  private static Long base;

  private PropertySeeds() {}

  /** {@code count} seeds derived from the base seed, all of which a property runs. */
  public static Arbitrary<Long> of(int count) {
    Random random = new Random(base());
    List<Long> seeds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      seeds.add(random.nextLong());
    }
    return Arbitraries.of(seeds);
  }

  /** The base seed of this run (see the class comment), logged once. */
  public static synchronized long base() {
    if (base == null) {
      String wanted = System.getProperty("property.seed", "");
      base =
          wanted.isBlank()
              ? CI_BASE
              : wanted.equals("random") ? System.nanoTime() : Long.parseLong(wanted.trim());
      LOG.info("property tests: base seed {} (-Dproperty.seed={} repeats this run)", base, base);
    }
    return base;
  }
}
