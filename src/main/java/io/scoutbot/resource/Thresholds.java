package io.scoutbot.resource;

import io.scoutbot.config.ResourceConfig;

/**
 * When a sample counts as pressure ("hot") and when as clearly relieved ("calm"). Immutable. Between
 * the two lies a band of width {@code recoveryMargin} that is neither, which is what keeps the
 * throttle from flapping when usage hovers around a threshold. Unknown figures ({@code NaN}) are
 * neither evidence of pressure nor against relief.
 *
 * @param cpu percent; hot above it
 * @param memory percent; hot above it
 * @param disk percent of DATA_DIR's filesystem; hot above it
 * @param recoveryMargin percentage points below every threshold that a sample must be to be calm
 */
public record Thresholds(double cpu, double memory, double disk, double recoveryMargin) {

  public Thresholds {
    if (!(recoveryMargin >= 0)) {
      throw new IllegalArgumentException("recoveryMargin must be >= 0: " + recoveryMargin);
    }
  }

  public static Thresholds of(ResourceConfig config) {
    return new Thresholds(
        config.cpuThreshold(), config.memoryThreshold(), config.diskThreshold(),
        config.recoveryMargin());
  }

  /** True when any figure is strictly above its threshold (the seed's rule, plus disk). */
  public boolean hot(ResourceSample s) {
    return above(s.cpuPercent(), cpu) || above(s.memoryPercent(), memory)
        || above(s.diskPercent(), disk);
  }

  /**
   * True when every known figure is strictly below its threshold minus the recovery margin; the
   * margin is at most half a threshold, so a low threshold (say 5 % with the default 10-point
   * margin) still has a reachable calm level instead of throttling for ever.
   */
  public boolean calm(ResourceSample s) {
    return below(s.cpuPercent(), calmBelow(cpu))
        && below(s.memoryPercent(), calmBelow(memory))
        && below(s.diskPercent(), calmBelow(disk));
  }

  /** The level a figure must fall under to count as calm. */
  public double calmBelow(double threshold) {
    return threshold - Math.min(recoveryMargin, threshold / 2);
  }

  /** True when the disk figure alone is above its threshold (for the extra log line). */
  boolean diskHot(ResourceSample s) {
    return above(s.diskPercent(), disk);
  }

  private static boolean above(double value, double threshold) {
    return !Double.isNaN(value) && value > threshold;
  }

  private static boolean below(double value, double limit) {
    return Double.isNaN(value) || value < limit;
  }
}
