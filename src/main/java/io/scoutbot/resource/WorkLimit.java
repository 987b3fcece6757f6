package io.scoutbot.resource;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A limit on concurrently running heavy operations (uploads, downloads). The governor's adaptive
 * implementation lowers it under pressure; {@link #fixed} never changes. Thread-safe.
 */
public interface WorkLimit {

  /** Waits for a slot; close the returned slot when the operation ends. */
  Slot acquire(String operation) throws InterruptedException;

  /** The number of operations currently allowed to run at once. */
  int limit();

  /** A held slot; closing it twice is harmless. */
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /** A constant limit of {@code permits} slots. */
  static WorkLimit fixed(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1: " + permits);
    }
    Semaphore semaphore = new Semaphore(permits, true);
    return new WorkLimit() {
      @Override
      public Slot acquire(String operation) throws InterruptedException {
        semaphore.acquire();
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
          if (open.compareAndSet(true, false)) {
            semaphore.release();
          }
        };
      }

      @Override
      public int limit() {
        return permits;
      }
    };
  }
}
