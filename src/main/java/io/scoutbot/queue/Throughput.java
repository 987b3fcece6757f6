package io.scoutbot.queue;

import java.time.Duration;
import java.util.Optional;

/**
 * The observed upload throughput as a moving average, and duration estimates from it. Each finished
 * upload adds its bytes and seconds to two exponentially decayed sums; the rate is their quotient, so
 * large uploads weigh in proportion to their size and many tiny ones cannot swing it. Until real
 * uploads are observed a prior rate stands in. Thread-safe.
 */
public final class Throughput {

  /** Weight of the newest observation; the previous sums keep the rest. */
  static final double ALPHA = 0.2;

  private double bytes;
  private double seconds;

  /** Starts from {@code priorBytesPerSecond}, worth one second of observation. */
  public Throughput(double priorBytesPerSecond) {
    if (!(priorBytesPerSecond > 0)) {
      throw new IllegalArgumentException("the prior rate must be positive: " + priorBytesPerSecond);
    }
    this.bytes = priorBytesPerSecond;
    this.seconds = 1.0;
  }

  /** Adds one finished upload of {@code size} bytes that took {@code elapsed}. */
  public synchronized void observe(long size, Duration elapsed) {
    if (size <= 0) {
      return;
    }
    double s = Math.max(elapsed.toNanos() / 1e9, 1e-3);
    bytes = bytes * (1 - ALPHA) + size;
    seconds = seconds * (1 - ALPHA) + s;
  }

  public synchronized double bytesPerSecond() {
    return bytes / seconds;
  }

  /** How long {@code size} bytes should take at the current rate; empty when the size is unknown. */
  public Optional<Duration> estimate(long size) {
    if (size < 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos((long) Math.ceil(size / bytesPerSecond() * 1e9)));
  }
}
