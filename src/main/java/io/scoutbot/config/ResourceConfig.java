package io.scoutbot.config;

import java.time.Duration;

/**
 * Settings of the resource governor: monitoring, throttling thresholds, the memory budget and
 * streaming sizes. Immutable; validated on construction.
 *
 * @param memoryBudgetBytes global budget for in-memory file buffers; 0 derives it from the max heap
 * @param recoveryMargin percentage points below a threshold that usage must fall to end throttling
 */
public record ResourceConfig(
    boolean monitoringEnabled,
    Duration monitoringInterval,
    double cpuThreshold,
    double memoryThreshold,
    double diskThreshold,
    double recoveryMargin,
    long maxMemoryBytes,
    int streamingChunkSize,
    boolean gcAfterUpload,
    Duration sampleInterval,
    long streamingThresholdBytes,
    Duration throttleMaxWait,
    Duration throttlePoll,
    long memoryBudgetBytes) {

  /** Smallest streaming chunk: below this, per-call overhead dominates every transfer. */
  public static final int MIN_CHUNK_SIZE = 4096;

  public ResourceConfig {
    positive("monitoringInterval", monitoringInterval);
    positive("sampleInterval", sampleInterval);
    positive("throttleMaxWait", throttleMaxWait);
    positive("throttlePoll", throttlePoll);
    percent("cpuThreshold", cpuThreshold);
    percent("memoryThreshold", memoryThreshold);
    percent("diskThreshold", diskThreshold);
    if (!(recoveryMargin >= 0 && recoveryMargin < 100)) {
      throw new IllegalArgumentException("recoveryMargin must be in [0, 100): " + recoveryMargin);
    }
    if (maxMemoryBytes < MIN_CHUNK_SIZE) {
      throw new IllegalArgumentException("maxMemoryBytes is too small: " + maxMemoryBytes);
    }
    if (streamingChunkSize < MIN_CHUNK_SIZE || streamingChunkSize > maxMemoryBytes) {
      throw new IllegalArgumentException(
          "streamingChunkSize must be from " + MIN_CHUNK_SIZE + " to maxMemoryBytes ("
              + maxMemoryBytes + "): " + streamingChunkSize);
    }
    if (streamingThresholdBytes < 0 || memoryBudgetBytes < 0) {
      throw new IllegalArgumentException("sizes cannot be negative");
    }
  }

  static void positive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be a positive duration: " + d);
    }
  }

  private static void percent(String field, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException(field + " must be in (0, 100]: " + p);
    }
  }
}
