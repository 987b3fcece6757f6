package io.scoutbot.metrics;

import io.scoutbot.queue.QueueCounts;

/**
 * Jobs per state across all users, for the queue gauges. Implementations may ask the database; they
 * are called at most once per scrape ({@link QueueMeters} keeps the answer for a second) and may
 * throw when the database is down, which leaves the gauges empty (NaN) for that scrape.
 */
@FunctionalInterface
public interface QueueDepth {

  QueueCounts counts();
}
