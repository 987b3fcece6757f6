package io.scoutbot.storage.pentaract;

import io.scoutbot.testing.ManualClock;
import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Sleeper} for tests: records every requested delay and advances the manual clock by it
 * instead of waiting. In held mode each sleep blocks until the test calls {@link #release()}, so a
 * background loop advances exactly one step at a time. Thread-safe.
 */
final class TestSleeper implements Sleeper {

  private final ManualClock clock;
  private final boolean held;
  private final List<Duration> slept = new CopyOnWriteArrayList<>();
  private final Semaphore steps = new Semaphore(0);
  private final Semaphore asleep = new Semaphore(0);

  private TestSleeper(ManualClock clock, boolean held) {
    this.clock = clock;
    this.held = held;
  }

  /** Returns at once from every sleep. */
  static TestSleeper immediate(ManualClock clock) {
    return new TestSleeper(clock, false);
  }

  /** Blocks in every sleep until released. */
  static TestSleeper held(ManualClock clock) {
    return new TestSleeper(clock, true);
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    slept.add(duration);
    if (held) {
      asleep.release();
      steps.acquire();
    }
    clock.advance(duration);
  }

  /** Waits until some thread is sleeping here (held mode). */
  void awaitSleeper() throws InterruptedException {
    asleep.acquire();
  }

  /** Waits up to {@code timeout} until some thread is sleeping here (held mode). */
  boolean awaitSleeper(Duration timeout) throws InterruptedException {
    return asleep.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Lets one sleep end (held mode). */
  void release() {
    steps.release();
  }

  List<Duration> slept() {
    return List.copyOf(slept);
  }
}
