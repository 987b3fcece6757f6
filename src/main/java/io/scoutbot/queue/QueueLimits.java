package io.scoutbot.queue;

import java.util.Locale;

/**
 * The per-user submission limits (QUEUE_MAX_JOBS_PER_USER, QUEUE_MAX_BYTES_PER_USER_MB) and the one
 * check both the quick pre-check and the atomic check at enqueue use. Immutable.
 */
public record QueueLimits(int maxJobs, long maxBytes) {

  private static final double MIB = 1024.0 * 1024.0;

  public QueueLimits {
    if (maxJobs < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("limits must be at least 1: " + maxJobs + ", " + maxBytes);
    }
  }

  /**
   * Throws when one more job of {@code size} bytes (-1 when unknown, counted as 0) on top of {@code
   * usage} would exceed a limit; the message names the limit and by how much.
   */
  public void check(QueueUsage usage, long size) {
    if (usage.jobs() + 1 > maxJobs) {
      long over = usage.jobs() + 1 - maxJobs;
      throw new QueueLimitExceeded(
          "queue limit reached: you have " + usage.jobs() + " unfinished uploads and at most "
              + maxJobs + " are allowed (QUEUE_MAX_JOBS_PER_USER); this one would be " + over
              + " over. Wait for some to finish, or cancel some (see: scoutbot queue)");
    }
    long add = Math.max(size, 0);
    if (usage.bytes() + add > maxBytes) {
      long over = usage.bytes() + add - maxBytes;
      throw new QueueLimitExceeded(
          "queue limit reached: this file (" + mib(add) + ") would bring your unfinished uploads to "
              + mib(usage.bytes() + add) + ", " + mib(over) + " over the limit of " + mib(maxBytes)
              + " (QUEUE_MAX_BYTES_PER_USER_MB). Wait for some to finish, or cancel some");
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
  }
}
