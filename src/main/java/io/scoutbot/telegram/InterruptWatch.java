package io.scoutbot.telegram;

import java.time.Duration;

/**
 * Cancels a blocking HTTP exchange when the thread waiting on it is interrupted. A queue worker
 * blocked in a socket read or write ignores interrupts, so cancelling a job (or stopping the
 * service) would wait for a large transfer to finish; cancelling the OkHttp call closes its socket
 * and the blocked call fails at once. Nothing in the JDK tells another thread about an interrupt,
 * so a virtual thread looks every {@link #CHECK_EVERY}. One watch per exchange; thread-safe.
 */
final class InterruptWatch implements AutoCloseable {

  /** How soon an interrupt cancels the exchange, at most. */
  static final Duration CHECK_EVERY = Duration.ofMillis(100);

  private final Thread watcher;
  private volatile boolean done;

  private InterruptWatch(Thread owner, Runnable cancel) {
    this.watcher = Thread.ofVirtual().name("telegram-interrupt-watch").start(() -> {
      try {
        while (!done) {
          if (owner.isInterrupted()) {
            cancel.run();
            return;
          }
          Thread.sleep(CHECK_EVERY);
        }
      } catch (InterruptedException e) {
        // the exchange is over
      }
    });
  }

  /** Watches the calling thread until {@link #close()}, running {@code cancel} on interrupt. */
  static InterruptWatch of(Runnable cancel) {
    return new InterruptWatch(Thread.currentThread(), cancel);
  }

  @Override
  public void close() {
    done = true;
    watcher.interrupt();
  }
}
