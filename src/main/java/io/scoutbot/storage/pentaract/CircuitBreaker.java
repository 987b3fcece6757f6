package io.scoutbot.storage.pentaract;

import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ThreadFactory;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks Pentaract unavailable after {@code threshold} outage failures in a row, then probes it in the
 * background with exponential backoff until it answers; while open, every call fails at once with
 * {@link Disposition#UNAVAILABLE} so the caller keeps its work instead of burning retries. Also used at
 * startup: Pentaract being down when the service starts opens the breaker rather than stopping
 * anything. Thread-safe; the probe runs on one thread from the injected factory, only while open.
 */
final class CircuitBreaker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  /** Checks whether Pentaract answers; throws a {@link PentaractFailure} when it still does not. */
  @FunctionalInterface
  interface Probe {
    void probe();
  }

  /** Told when the breaker opens or closes (logging, tests). */
  @FunctionalInterface
  interface Listener {
    void changed(boolean open);
  }

  private final String name;
  private final int threshold;
  private final Backoff backoff;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final ThreadFactory threads;
  private final Listener listener;
  private Probe probe = () -> {};

  private int failures;
  private boolean open;
  private boolean closed;
  private Instant openedAt;
  private String lastError = "";
  /** A probe thread runs (or is about to): set and cleared under this breaker's lock only. */
  private boolean probing;
  private Thread prober;

  /**
   * @param name how messages name the backend, e.g. {@code "Pentaract at http://host:8000/api"}
   * @param threshold outage failures in a row that open the breaker
   * @param backoff delays between background probes
   */
  CircuitBreaker(String name, int threshold, Backoff backoff, InstantSource clock, Sleeper sleeper,
      DoubleSupplier random, ThreadFactory threads, Listener listener) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1: " + threshold);
    }
    this.name = name;
    this.threshold = threshold;
    this.backoff = backoff;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
    this.threads = threads;
    this.listener = listener;
  }

  /** Sets what the background probe does; called once while wiring, before any failure. */
  synchronized void probeWith(Probe probe) {
    this.probe = probe;
  }

  /** Throws an UNAVAILABLE failure when open; returns at once otherwise. */
  void admit() {
    synchronized (this) {
      if (!open) {
        return;
      }
    }
    throw unavailable();
  }

  synchronized boolean isOpen() {
    return open;
  }

  /** Pentaract answered: it is reachable, whatever the answer meant. */
  void recordSuccess() {
    boolean changed;
    synchronized (this) {
      failures = 0;
      changed = open;
      open = false;
    }
    if (changed) {
      log.info("{} answers again; resuming work", name);
      listener.changed(false);
    }
  }

  /** A call failed; outages count towards opening, other failures prove Pentaract is reachable. */
  void record(ScoutFailure failure) {
    if (failure instanceof PentaractFailure f && f.outage()) {
      recordOutage(f.reason());
    } else if (failure instanceof PentaractFailure f && f.status().isPresent()) {
      recordSuccess();
    }
  }

  /** Opens at once, e.g. when Pentaract is unreachable at startup. */
  void open(String reason) {
    synchronized (this) {
      failures = Math.max(failures, threshold - 1);
    }
    recordOutage(reason);
  }

  private void recordOutage(String reason) {
    boolean opened = false;
    synchronized (this) {
      lastError = reason;
      failures++;
      if (!open && !closed && failures >= threshold) {
        open = true;
        opened = true;
        openedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // the old probe may still be on its way out after a success: it sees the breaker open
        // again under this lock and goes on probing, so at most one probe runs and one always does
        if (!probing) {
          probing = true;
          prober = threads.newThread(this::probeUntilClosed);
          prober.start();
        }
      }
    }
    if (opened) {
      log.warn("{} is unavailable ({}); storage calls fail fast as UNAVAILABLE, so queued work "
          + "waits, while a background check retries with backoff", name, reason);
      listener.changed(true);
    }
  }

  /** One line for status pages: closed, or open since when and why. */
  synchronized String describe() {
    return open
        ? "unavailable since " + openedAt + " (" + lastError + "); checking again in the background"
        : "available";
  }

  private PentaractFailure unavailable() {
    String since;
    String error;
    synchronized (this) {
      since = String.valueOf(openedAt);
      error = lastError;
    }
    return PentaractFailure.unavailable(name + " is unavailable since " + since + " (" + error
        + "); ScoutBot checks it in the background and uses it again as soon as it answers", error);
  }

  private void probeUntilClosed() {
    for (int attempt = 0; ; attempt++) {
      Probe p;
      synchronized (this) {
        if (stopProbing()) {
          return;
        }
        p = probe;
      }
      Duration delay = backoff.delay(attempt, random);
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        continue; // close() interrupts: the check above ends the probe
      }
      synchronized (this) {
        if (stopProbing()) {
          return;
        }
      }
      try {
        p.probe();
        recordSuccess();
        attempt = -1; // reopened meanwhile: start over from the shortest delay
      } catch (PentaractFailure f) {
        if (!f.outage() && f.status().isPresent()) {
          // it answered, if only to refuse: reachable, and the next real call reports the refusal
          recordSuccess();
          attempt = -1;
          continue;
        }
        synchronized (this) {
          lastError = f.reason();
        }
        log.debug("{} still unavailable after probe {}: {}", name, attempt + 1, f.getMessage());
      } catch (RuntimeException e) {
        log.warn("the background check of {} failed unexpectedly; trying again", name, e);
      }
    }
  }

  /** True, and the probe marked as gone, once the breaker is closed or shut; under the lock. */
  private boolean stopProbing() {
    if (!open || closed) {
      probing = false;
      return true;
    }
    return false;
  }

  /** Stops the background probe; the breaker answers as it last did. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = prober;
    }
    if (t != null) {
      t.interrupt();
    }
  }
}
