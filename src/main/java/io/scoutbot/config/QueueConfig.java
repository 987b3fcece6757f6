package io.scoutbot.config;

import java.time.Duration;

/**
 * Limits and timing of the durable upload queue. Immutable.
 *
 * @param maxQueuedJobsPerUser most unfinished jobs one user may have
 * @param maxQueuedBytesPerUser most bytes of unfinished jobs one user may have
 * @param maxRunningPerUser most jobs of one user running at once
 * @param lease how long a claimed job stays with its worker without a heartbeat
 */
public record QueueConfig(
    int maxQueuedJobsPerUser, long maxQueuedBytesPerUser, int maxRunningPerUser, Duration lease) {

  public QueueConfig {
    if (maxQueuedJobsPerUser < 1 || maxRunningPerUser < 1 || maxQueuedBytesPerUser < 1) {
      throw new IllegalArgumentException("queue limits must be at least 1");
    }
    ResourceConfig.positive("lease", lease);
  }
}
