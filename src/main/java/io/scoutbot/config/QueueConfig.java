package io.scoutbot.config;

import java.time.Duration;

/**
 * Limits and timing of the durable upload queue. Immutable.
 *
 * @param maxQueuedJobsPerUser most unfinished jobs one user may have
 * @param maxQueuedBytesPerUser most bytes of unfinished jobs one user may have
 * @param maxRunningPerUser most jobs of one user running at once
 * @param lease how long a claimed job stays with its worker without a heartbeat
 * @param retryAttempts attempts a job gets for transient failures before it fails for good; outages
 *     of the storage backend do not count
 * @param pollInterval how often idle workers look for jobs submitted by other processes (jobs
 *     submitted in-process wake them at once)
 * @param aging under host pressure smaller jobs go first, but a job waiting this long goes first
 *     whatever its size, so none starves
 * @param keepFinished how long completed, failed and cancelled jobs stay listed before a running
 *     {@code serve} deletes them; {@link Duration#ZERO} keeps them forever
 */
public record QueueConfig(
    int maxQueuedJobsPerUser,
    long maxQueuedBytesPerUser,
    int maxRunningPerUser,
    Duration lease,
    int retryAttempts,
    Duration pollInterval,
    Duration aging,
    Duration keepFinished) {

  public QueueConfig {
    if (maxQueuedJobsPerUser < 1 || maxRunningPerUser < 1 || maxQueuedBytesPerUser < 1) {
      throw new IllegalArgumentException("queue limits must be at least 1");
    }
    if (retryAttempts < 1) {
      throw new IllegalArgumentException("retryAttempts must be at least 1: " + retryAttempts);
    }
    ResourceConfig.positive("lease", lease);
    ResourceConfig.positive("pollInterval", pollInterval);
    ResourceConfig.positive("aging", aging);
    if (keepFinished == null || keepFinished.isNegative()) {
      throw new IllegalArgumentException("keepFinished must be zero (forever) or positive: "
          + keepFinished);
    }
  }
}
