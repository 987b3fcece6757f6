package io.scoutbot.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A clock tests advance by hand: both wall time ({@link InstantSource}) and a monotonic nano ticker
 * ({@link #nanos()}), moving together. Thread-safe.
 */
public final class ManualClock implements InstantSource, LongSupplier {

  private final AtomicLong epochNanos;

  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public ManualClock(Instant start) {
    this.epochNanos = new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano());
  }

  @Override
  public Instant instant() {
    long n = epochNanos.get();
    return Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L);
  }

  /** Monotonic nanoseconds, for code that measures elapsed time. */
  public long nanos() {
    return epochNanos.get();
  }

  @Override
  public long getAsLong() {
    return nanos();
  }

  public ManualClock advance(Duration d) {
    epochNanos.addAndGet(d.toNanos());
    return this;
  }
}
