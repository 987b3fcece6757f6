package io.scoutbot.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.scoutbot.queue.QueueCounts;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload queue's depth per state and the age of its oldest pending job. One scrape reads the
 * counts once (they come from the database), however many gauges show them. Thread-safe.
 */
public final class QueueMeters implements MeterBinder {

  /** Counts younger than this are reused: one scrape reads all gauges within it. */
  static final Duration REUSE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(QueueMeters.class);

  private final QueueDepth depth;
  private MeterRegistry registry;
  private QueueCounts last; // null after a failed read
  private long lastAt;
  private boolean read;
  private boolean failing;

  private QueueMeters(QueueDepth depth) {
    this.depth = Objects.requireNonNull(depth, "depth");
  }

  /** The queue gauges, reading {@code depth} when scraped. */
  public static QueueMeters depth(QueueDepth depth) {
    return new QueueMeters(depth);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    synchronized (this) {
      this.registry = registry;
    }
    state(registry, "pending", QueueCounts::pending);
    state(registry, "running", QueueCounts::running);
    state(registry, "blocked", QueueCounts::blocked);
    state(registry, "completed", QueueCounts::completed);
    state(registry, "failed", QueueCounts::failed);
    state(registry, "cancelled", QueueCounts::cancelled);
    Gauge.builder("scoutbot.queue.oldest.pending.age", this,
            q -> q.read(c -> c.oldestPending() == null ? 0
                : (registry.config().clock().wallTime() - c.oldestPending().toEpochMilli()) / 1e3))
        .baseUnit("seconds")
        .description("How long the oldest pending job has waited; 0 when none is pending")
        .strongReference(true)
        .register(registry);
  }

  private void state(MeterRegistry registry, String state, ToDoubleFunction<QueueCounts> f) {
    Gauge.builder("scoutbot.queue.jobs", this, q -> q.read(f))
        .description("Upload jobs by state, all users (finished ones until QUEUE_KEEP_FINISHED_DAYS)")
        .tag("state", state)
        .strongReference(true)
        .register(registry);
  }

  private double read(ToDoubleFunction<QueueCounts> f) {
    QueueCounts c = counts();
    return c == null ? Double.NaN : f.applyAsDouble(c);
  }

  private synchronized QueueCounts counts() {
    long now = registry.config().clock().monotonicTime();
    if (read && now - lastAt < REUSE.toNanos()) {
      return last;
    }
    read = true;
    lastAt = now;
    try {
      last = depth.counts();
      if (failing) {
        failing = false;
        log.info("Queue counts readable again for metrics");
      }
      return last;
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("Cannot read the queue counts for metrics ({}); the queue gauges stay empty until "
            + "they can be read", e.getMessage());
      }
      last = null;
      return null;
    }
  }
}
