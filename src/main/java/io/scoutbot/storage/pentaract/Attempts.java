package io.scoutbot.storage.pentaract;

import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Pentaract call with up to {@code attempts} tries: transient failures (connection errors,
 * 5xx, 429) are retried after exponential backoff with jitter, anything else is thrown at once. Every
 * try passes the circuit breaker first and reports to it, so an outage fails fast with UNAVAILABLE.
 * Thread-safe; sleeps go through the injected {@link Sleeper}.
 */
final class Attempts {

  private static final Logger log = LoggerFactory.getLogger(Attempts.class);
  /** The longest wait a Retry-After header can impose before the next try. */
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private final int attempts;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final CircuitBreaker breaker;

  Attempts(int attempts, Backoff backoff, Sleeper sleeper, DoubleSupplier random,
      CircuitBreaker breaker) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    }
    this.attempts = attempts;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.random = random;
    this.breaker = breaker;
  }

  int attempts() {
    return attempts;
  }

  /**
   * Runs {@code call} until it succeeds, fails permanently, or runs out of tries.
   *
   * @param what the call, for log lines ("upload of scoutbot/ABC123/a.iso")
   * @throws PentaractFailure the last failure; UNAVAILABLE once the breaker is open
   */
  <T> T run(String what, Supplier<T> call) {
    PentaractFailure last = null;
    for (int attempt = 1; ; attempt++) {
      breaker.admit();
      try {
        T result = call.get();
        breaker.recordSuccess();
        return result;
      } catch (PentaractFailure f) {
        breaker.record(f);
        if (!f.disposition().retryable() || f.disposition().kind() == Disposition.Kind.UNAVAILABLE
            || Thread.currentThread().isInterrupted()) {
          throw f;
        }
        last = f;
      }
      if (attempt >= attempts) {
        breaker.admit();
        throw last;
      }
      Duration delay = backoff.delay(attempt - 1, random);
      if (last.disposition().kind() == Disposition.Kind.RETRY_AFTER) {
        Duration asked = last.disposition().retryAfter();
        delay = asked.compareTo(delay) > 0 ? min(asked, MAX_RETRY_AFTER) : delay;
      }
      log.info("{} failed (try {} of {}): {}; trying again in {} ms", what, attempt, attempts,
          last.getMessage(), delay.toMillis());
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw PentaractFailure.cancelled(what + " (while waiting to retry)", e);
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
