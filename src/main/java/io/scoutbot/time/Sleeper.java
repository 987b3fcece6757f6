package io.scoutbot.time;

import java.time.Duration;

/**
 * How a waiting thread pauses: the system one parks the thread (no busy-waiting); tests inject one
 * that advances a manual clock instead, so retries, throttling, backoff and leases are tested
 * without sleeping. The one waiting seam of the code base. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Pauses the calling thread for about {@code duration} (returns at once for zero or negative
   * durations, unless the thread is interrupted).
   *
   * @throws InterruptedException if the thread is interrupted while paused; the flag is cleared
   */
  void sleep(Duration duration) throws InterruptedException;

  /** Parks the thread with {@link Thread#sleep(Duration)}; interruptible. */
  static Sleeper system() {
    return duration -> {
      if (duration.isPositive()) {
        Thread.sleep(duration);
      } else if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    };
  }
}
