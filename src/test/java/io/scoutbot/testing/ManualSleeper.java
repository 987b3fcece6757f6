package io.scoutbot.testing;

import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Sleeper} on a {@link ManualClock}: a sleeping thread stays parked until the test advances
 * the clock past its wake-up time. Lets tests run several waiting threads in simulated time, with
 * no real sleeping: advance, then {@link #awaitQuiet} until every participant is parked again or
 * done. Thread-safe.
 */
public final class ManualSleeper implements Sleeper {

  private static final long QUIET_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ManualClock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<long[]> sleepers = new ArrayList<>(); // {wakeAt, released}
  private int parked;
  private int finished;

  public ManualSleeper(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    long nanos = duration.toNanos();
    if (nanos <= 0) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      return;
    }
    long[] me = {clock.nanos() + Math.max(0, nanos), 0};
    lock.lock();
    try {
      sleepers.add(me);
      parked++;
      changed.signalAll();
      try {
        while (me[1] == 0) {
          changed.await();
        }
      } catch (InterruptedException e) {
        if (me[1] == 0) {
          parked--;
        }
        sleepers.remove(me);
        changed.signalAll();
        throw e;
      }
      sleepers.remove(me);
    } finally {
      lock.unlock();
    }
  }

  /** Moves the clock and releases every sleeper whose time has come. */
  public void advance(Duration d) {
    lock.lock();
    try {
      clock.advance(d);
      long now = clock.nanos();
      for (long[] s : sleepers) {
        if (s[1] == 0 && now - s[0] >= 0) {
          s[1] = 1;
          parked--; // counted out now, so awaitQuiet waits until it parks again or finishes
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A participant thread calls this as its last action. */
  public void finished() {
    lock.lock();
    try {
      finished++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until each of {@code participants} threads is parked here or has {@link #finished}. */
  public void awaitQuiet(int participants) throws InterruptedException {
    long remaining = QUIET_TIMEOUT_NANOS;
    lock.lock();
    try {
      while (parked + finished < participants) {
        if (remaining <= 0) {
          throw new AssertionError(
              "participants did not settle: parked=" + parked + ", finished=" + finished + " of "
                  + participants);
        }
        remaining = changed.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  public int parked() {
    lock.lock();
    try {
      return parked;
    } finally {
      lock.unlock();
    }
  }
}
