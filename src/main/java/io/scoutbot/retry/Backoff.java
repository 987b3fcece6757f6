package io.scoutbot.retry;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter and a ceiling: delay(n) is drawn from [base·2ⁿ/2, base·2ⁿ],
 * capped at {@code max}. Half of the window is fixed so that retries never bunch at zero. Immutable.
 */
public record Backoff(Duration base, Duration max) {

  public Backoff {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base must be positive: " + base);
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("max " + max + " is below base " + base);
    }
  }

  /** The delay before retry number {@code attempt} (0 for the first retry). */
  public Duration delay(int attempt, DoubleSupplier random) {
    long baseMs = base.toMillis();
    long maxMs = max.toMillis();
    int shift = Math.min(Math.max(attempt, 0), 30);
    long ceiling = baseMs > (maxMs >> shift) ? maxMs : Math.min(maxMs, baseMs << shift);
    long floor = ceiling / 2;
    return Duration.ofMillis(floor + (long) ((ceiling - floor) * random.getAsDouble()));
  }
}
