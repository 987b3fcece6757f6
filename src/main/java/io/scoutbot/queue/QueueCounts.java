package io.scoutbot.queue;

import java.time.Instant;

/**
 * Jobs per state across all users. Immutable.
 *
 * @param oldestPending submission time of the oldest pending job, or null when none is pending
 */
public record QueueCounts(
    long pending, long running, long blocked, long completed, long failed, long cancelled,
    Instant oldestPending) {}
