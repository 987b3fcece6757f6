package io.scoutbot.resource;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WorkLimit} that follows the monitor: it starts at its maximum (e.g.
 * PENTARACT_MAX_CONCURRENT_UPLOADS), drops to 1 as soon as the host is throttled, and climbs back
 * one slot per {@link #calmSamplesPerStep} consecutive calm samples, so a recovering host gets its
 * work back gradually instead of all at once. Thread-safe; waiters are served first come, first
 * served, and a lowered limit never interrupts running work, it only holds back new work.
 */
public final class AdaptiveWorkLimit implements WorkLimit, ResourceMonitor.Listener {

  private static final Logger log = LoggerFactory.getLogger(AdaptiveWorkLimit.class);

  private final int max;
  private final int calmSamplesPerStep;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Object> waiters = new ArrayDeque<>();
  private int limit;
  private int inFlight;
  private int calmStreak;

  /**
   * @param max the limit when the host is calm
   * @param calmSamplesPerStep consecutive calm samples that raise the limit by one
   */
  public AdaptiveWorkLimit(int max, int calmSamplesPerStep) {
    if (max < 1 || calmSamplesPerStep < 1) {
      throw new IllegalArgumentException(
          "max and calmSamplesPerStep must be at least 1: max=" + max + ", calmSamplesPerStep="
              + calmSamplesPerStep);
    }
    this.max = max;
    this.calmSamplesPerStep = calmSamplesPerStep;
    this.limit = max;
  }

  @Override
  public Slot acquire(String operation) throws InterruptedException {
    Object ticket = new Object();
    lock.lockInterruptibly();
    try {
      waiters.addLast(ticket);
      try {
        while (waiters.peekFirst() != ticket || inFlight >= limit) {
          changed.await();
        }
        inFlight++;
      } finally {
        waiters.remove(ticket);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        release();
      }
    };
  }

  private void release() {
    lock.lock();
    try {
      inFlight--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int limit() {
    lock.lock();
    try {
      return limit;
    } finally {
      lock.unlock();
    }
  }

  /** The limit when the host is calm. */
  public int max() {
    return max;
  }

  /** Operations holding a slot now. */
  public int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  /** Operations waiting for a slot now. */
  public int waiting() {
    lock.lock();
    try {
      return waiters.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onSample(boolean throttled, boolean calm) {
    int before;
    int after;
    lock.lock();
    try {
      before = limit;
      if (throttled) {
        limit = 1;
        calmStreak = 0;
      } else if (!calm) {
        calmStreak = 0;
      } else if (limit < max && ++calmStreak >= calmSamplesPerStep) {
        limit++;
        calmStreak = 0;
        changed.signalAll();
      }
      after = limit;
    } finally {
      lock.unlock();
    }
    if (after < before) {
      log.info("Heavy work limited to 1 at a time while resources are under pressure (was {})",
          before);
    } else if (after > before) {
      log.info("Heavy work limit raised to {} of {} as resources stay calm", after, max);
    }
  }
}
