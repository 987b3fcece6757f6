package io.scoutbot.storage.pentaract;

import java.time.Duration;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Aborts an HTTP request when the thread that sent it is interrupted. Upload and download workers
 * are platform threads, whose blocking socket reads and writes ignore interrupts, and the wait for
 * Pentaract's answer can last PENTARACT_TIMEOUT plus a minute per 20 MiB chunk; a worker that lost
 * its queue lease, or a command stopped with Ctrl-C, must let go at once instead, or two attempts
 * would write one path. Cancelling the request closes its connection, so the blocked call fails and
 * the client reports a cancellation (the interrupt flag stays set).
 *
 * <p>Nothing in the JDK tells another thread about an interrupt, so a virtual thread looks every
 * {@link #CHECK_EVERY} while the request is open. Thread-safe; one guard per request, closed when
 * its response is done with.
 */
final class InterruptGuard implements AutoCloseable {

  /** How soon an interrupt aborts the request, at most. */
  static final Duration CHECK_EVERY = Duration.ofMillis(100);

  private final Thread watcher;
  private volatile boolean done;

  private InterruptGuard(Thread owner, Cancellable request) {
    this.watcher = Thread.ofVirtual().name("pentaract-interrupt-guard").start(() -> {
      try {
        while (!done) {
          if (owner.isInterrupted()) {
            request.cancel();
            return;
          }
          // A real sleep, not the Sleeper seam: this polls a real event (another thread's
          // interrupt) and decides nothing by time, so no test has a clock to advance here, and
          // the tests' sleepers, which return at once, would turn this loop into a busy spin.
          Thread.sleep(CHECK_EVERY);
        }
      } catch (InterruptedException e) {
        // the request is done with
      }
    });
  }

  /** Watches the calling thread until {@link #close()}, cancelling {@code request} on interrupt. */
  static InterruptGuard watch(Cancellable request) {
    return new InterruptGuard(Thread.currentThread(), request);
  }

  @Override
  public void close() {
    done = true;
    watcher.interrupt();
  }
}
