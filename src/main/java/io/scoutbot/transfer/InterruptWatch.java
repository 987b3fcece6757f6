package io.scoutbot.transfer;

import java.time.Duration;
import java.util.Objects;

/**
 * Runs an action (abort an HTTP request to Pentaract or the Bot API, kill a child process) when
 * the thread that opened the watch is interrupted. Blocking socket reads on platform threads and
 * waits for other processes ignore interrupts; cancelling a transfer is interrupting its thread, so
 * something has to turn that into a closed connection or a killed process, or a cancel (or a worker
 * that lost its lease) would wait for the next byte.
 *
 * <p>Nothing in the JDK tells another thread about an interrupt, so a virtual thread looks every
 * {@link #CHECK_EVERY}. Thread-safe; one watch per operation, closed when the operation is done.
 * The action runs at most once, on the watching thread.
 */
public final class InterruptWatch implements AutoCloseable {

  /** How soon an interrupt runs the action, at most. */
  public static final Duration CHECK_EVERY = Duration.ofMillis(100);

  private final Thread watcher;
  private volatile boolean done;
  private volatile boolean fired;

  private InterruptWatch(Thread owner, Runnable action, String name) {
    this.watcher = Thread.ofVirtual().name(name).start(() -> {
      try {
        while (!done) {
          if (owner.isInterrupted()) {
            fired = true;
            action.run();
            return;
          }
          // a real sleep, not the Sleeper seam: this polls a real event (another thread's
          // interrupt) and decides nothing by time; the tests' sleepers, which return at once,
          // would turn it into a busy spin
          Thread.sleep(CHECK_EVERY);
        }
      } catch (InterruptedException e) {
        // closed: the operation is over
      }
    });
  }

  /** Watches the calling thread until {@link #close()}, running {@code action} on interrupt. */
  public static InterruptWatch onInterrupt(String name, Runnable action) {
    return new InterruptWatch(Thread.currentThread(), Objects.requireNonNull(action), name);
  }

  /** Whether the action ran: the operation's failure is then a cancellation, not a fault. */
  public boolean fired() {
    return fired;
  }

  @Override
  public void close() {
    done = true;
    watcher.interrupt();
  }
}
