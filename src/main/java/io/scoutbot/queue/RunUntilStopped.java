package io.scoutbot.queue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one step of a background loop again and again until stopped, surviving bad iterations: an
 * exception is logged, counted and followed by a short pause, and the loop carries on. Runs on the
 * thread that calls {@link #run()}; stop it by making {@code stopped} true and interrupting it.
 */
final class RunUntilStopped implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(RunUntilStopped.class);

  /** One iteration; it may block, and returns early when interrupted. */
  @FunctionalInterface
  interface Step {
    void run() throws InterruptedException;
  }

  private final String name;
  private final Step step;
  private final BooleanSupplier stopped;
  private final Duration pauseAfterError;
  private final AtomicLong unexpectedErrors;

  RunUntilStopped(String name, Step step, BooleanSupplier stopped, Duration pauseAfterError,
      AtomicLong unexpectedErrors) {
    this.name = name;
    this.step = step;
    this.stopped = stopped;
    this.pauseAfterError = pauseAfterError;
    this.unexpectedErrors = unexpectedErrors;
  }

  @Override
  public void run() {
    while (!stopped.getAsBoolean()) {
      try {
        step.run();
      } catch (InterruptedException e) {
        if (stopped.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException | Error e) {
        unexpectedErrors.incrementAndGet();
        log.warn("Unexpected error in the {} ({}); it keeps running", name, e.toString(), e);
        try {
          Thread.sleep(pauseAfterError);
        } catch (InterruptedException stop) {
          if (stopped.getAsBoolean()) {
            return;
          }
        }
      }
    }
  }
}
