package io.scoutbot.resource;

import java.util.concurrent.TimeUnit;

/**
 * How a waiting thread pauses: the system one parks the thread (no busy-waiting); tests inject one
 * that advances a manual clock instead, so throttling and coalescing are tested without sleeping.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Pauses the calling thread for about {@code nanos} nanoseconds (returns at once for {@code nanos
   * <= 0}).
   *
   * @throws InterruptedException if the thread is interrupted while paused; the flag is cleared
   */
  void sleep(long nanos) throws InterruptedException;

  /** Parks the thread with {@link TimeUnit#sleep}; interruptible. */
  static Sleeper system() {
    return nanos -> {
      if (nanos > 0) {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } else if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    };
  }
}
