package io.scoutbot.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bytes moved, by direction and by the system on the other side, for {@code
 * scoutbot_transferred_bytes_total}. Implementations are thread-safe and return at once; call them
 * with progress deltas or with a finished transfer's size, never both for the same bytes.
 */
@FunctionalInterface
public interface TransferMetrics {

  /** Which way the bytes went. */
  enum Direction {
    /** Into the store (Pentaract or the local store). */
    UPLOAD,
    /** Out of the store, to a user or a file. */
    DOWNLOAD,
    /** From a source (URL, Telegram file) into temp space. */
    FETCH,
    /** To a Telegram chat. */
    SEND
  }

  /**
   * @param target the other side, a short lower-case word: {@code pentaract}, {@code local}, {@code
   *     telegram}, {@code url}; anything else is counted as {@code other}
   */
  void transferred(Direction direction, String target, long bytes);

  /** Counts nothing. */
  static TransferMetrics none() {
    return (direction, target, bytes) -> {};
  }

  /** Counts into {@code registry}. */
  static TransferMetrics on(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Map<String, Counter> counters = new ConcurrentHashMap<>();
    return (direction, target, bytes) -> {
      if (bytes <= 0) {
        return;
      }
      String d = direction.name().toLowerCase(Locale.ROOT);
      String t = Labels.word(target);
      counters.computeIfAbsent(d + "/" + t,
              k -> Counter.builder("scoutbot.transferred")
                  .baseUnit("bytes")
                  .description("Bytes moved, by direction and the system on the other side")
                  .tag("direction", d)
                  .tag("target", t)
                  .register(registry))
          .increment(bytes);
    };
  }
}
