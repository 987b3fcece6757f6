package io.scoutbot.queue;

import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * What happens to a job after a failed attempt, decided from the failure's {@link Disposition} alone.
 * Immutable; {@link #decide} is a pure function of its arguments.
 *
 * <ul>
 *   <li>{@code PERMANENT}: failed, with the reason; the job's temp copy goes (the file's own fault).
 *   <li>{@code BLOCKED}: waits for the configuration to be fixed, keeping its file; no attempt is
 *       counted.
 *   <li>{@code RETRY}, {@code RETRY_AFTER}: back to pending after exponential backoff with jitter
 *       (or the delay the peer asked for), until {@code maxAttempts} transient failures; then failed,
 *       keeping the temp copy for a later {@code queue --retry}.
 *   <li>{@code UNAVAILABLE}: the backend is down as a whole; back to pending with backoff and no
 *       limit at all, because an outage of any length must lose nothing (the file stays on disk).
 * </ul>
 *
 * @param maxAttempts attempts a job gets for transient failures (QUEUE_RETRY_ATTEMPTS)
 * @param retryBackoff delays between transient failures
 * @param outageBackoff delays while the backend is unavailable
 */
public record RetryPolicy(int maxAttempts, Backoff retryBackoff, Backoff outageBackoff) {

  /** 10 s doubling to 15 min for transient failures; 5 s doubling to 2 min during outages. */
  public static RetryPolicy withAttempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(15)),
        new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(2)));
  }

  public RetryPolicy {
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(outageBackoff, "outageBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
  }

  /**
   * The settlement of {@code job}'s attempt that failed with {@code failure} at {@code now}.
   *
   * @param random jitter source, uniform in [0, 1)
   */
  public Settlement decide(Job job, Throwable failure, Instant now, DoubleSupplier random) {
    Disposition d = ScoutFailure.dispositionOf(failure);
    String reason = reason(failure);
    return switch (d.kind()) {
      case PERMANENT -> new Settlement.Failed(reason);
      case BLOCKED -> new Settlement.Blocked(reason);
      case UNAVAILABLE ->
          new Settlement.Retry(
              now.plus(outageBackoff.delay(Math.max(job.attempts() - 1, 0), random)), reason,
              false);
      case RETRY, RETRY_AFTER -> {
        int failures = job.failures() + 1;
        if (failures >= maxAttempts) {
          // not the file's fault: its copy stays, so its owner can try again later
          yield new Settlement.Failed(
              reason + " (gave up after " + failures + " failed attempt" + (failures == 1 ? "" : "s")
                  + ")", true);
        }
        Duration delay =
            d.kind() == Disposition.Kind.RETRY_AFTER && d.retryAfter().isPositive()
                ? d.retryAfter()
                : retryBackoff.delay(failures - 1, random);
        yield new Settlement.Retry(now.plus(delay), reason, true);
      }
    };
  }

  /** The user-facing reason: our failures' messages are written for users; others are named. */
  static String reason(Throwable t) {
    if (t instanceof ScoutFailure && t.getMessage() != null) {
      return t.getMessage();
    }
    return "unexpected error: " + t;
  }
}
