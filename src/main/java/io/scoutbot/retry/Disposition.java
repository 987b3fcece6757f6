package io.scoutbot.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * What a caller should do after a failure: the one classification every retry loop and the queue act
 * on. Immutable; safe to share between threads.
 *
 * <ul>
 *   <li>{@link Kind#RETRY}: transient (connection reset, 5xx); try again with backoff, counting attempts.
 *   <li>{@link Kind#RETRY_AFTER}: the peer said when to come back (429 {@code retry_after}).
 *   <li>{@link Kind#UNAVAILABLE}: the target is down as a whole; keep the work and retry without an
 *       attempt limit, because an outage of any length must lose nothing.
 *   <li>{@link Kind#BLOCKED}: the configuration is wrong (the storage does not exist, has no
 *       workers, refuses the credentials); retrying cannot help until an operator fixes it, so keep
 *       the work and try again when the configuration may have changed.
 *   <li>{@link Kind#PERMANENT}: retrying cannot help (file rejected, file gone, over a limit).
 * </ul>
 */
public record Disposition(Kind kind, Duration retryAfter) {

  /** The four classes of failure. */
  public enum Kind {
    RETRY,
    RETRY_AFTER,
    UNAVAILABLE,
    BLOCKED,
    PERMANENT
  }

  public static final Disposition RETRY = new Disposition(Kind.RETRY, Duration.ZERO);
  public static final Disposition UNAVAILABLE = new Disposition(Kind.UNAVAILABLE, Duration.ZERO);
  public static final Disposition BLOCKED = new Disposition(Kind.BLOCKED, Duration.ZERO);
  public static final Disposition PERMANENT = new Disposition(Kind.PERMANENT, Duration.ZERO);

  public Disposition {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter cannot be negative: " + retryAfter);
    }
  }

  /** The peer asked us to wait {@code delay} before the next attempt. */
  public static Disposition retryAfter(Duration delay) {
    return new Disposition(Kind.RETRY_AFTER, delay);
  }

  /** Returns whether another attempt may succeed without anyone changing anything. */
  public boolean retryable() {
    return kind != Kind.PERMANENT && kind != Kind.BLOCKED;
  }
}
