package io.scoutbot.resource;

import java.util.Objects;

/**
 * One reading of the host's (or container's) resources, as a {@link ResourceProbe} returned it.
 * Immutable. Unknown figures are {@code NaN} (percentages, cores) or {@code -1} (byte counts): a
 * probe reports what it could read and never guesses.
 *
 * @param cpuPercent CPU use of the container against its CPU limit, or of the host when there is no
 *     limit, 0–100; {@code NaN} on a probe's first reading (CPU use is a rate between two readings)
 * @param processCpuPercent CPU use of this process against the same cores, 0–100
 * @param cpuCores the cores {@code cpuPercent} is measured against (a fraction under a cgroup quota)
 * @param cpuSource where {@code cpuCores} came from
 * @param memoryUsedBytes memory in use: the container's working set (usage minus inactive page
 *     cache), or the host's total minus available
 * @param memoryLimitBytes the container's memory limit, or the host's total memory
 * @param memorySource where {@code memoryLimitBytes} came from
 * @param diskUsedBytes used bytes of the filesystem holding DATA_DIR
 * @param diskTotalBytes what ScoutBot could fill: used plus the space available to this user (as
 *     df's Use%; blocks reserved for root do not count)
 * @param heapUsedBytes JVM heap in use
 * @param heapCommittedBytes JVM heap committed (reserved from the OS)
 * @param heapMaxBytes JVM maximum heap
 * @param rssBytes resident set size of this process
 */
public record ResourceSample(
    double cpuPercent,
    double processCpuPercent,
    double cpuCores,
    LimitSource cpuSource,
    long memoryUsedBytes,
    long memoryLimitBytes,
    LimitSource memorySource,
    long diskUsedBytes,
    long diskTotalBytes,
    long heapUsedBytes,
    long heapCommittedBytes,
    long heapMaxBytes,
    long rssBytes) {

  public ResourceSample {
    Objects.requireNonNull(cpuSource, "cpuSource");
    Objects.requireNonNull(memorySource, "memorySource");
  }

  /** Memory in use as a percentage of the limit, 0–100; {@code NaN} when unknown. */
  public double memoryPercent() {
    return percent(memoryUsedBytes, memoryLimitBytes);
  }

  /** Used space of DATA_DIR's filesystem as a percentage of its size; {@code NaN} when unknown. */
  public double diskPercent() {
    return percent(diskUsedBytes, diskTotalBytes);
  }

  /**
   * The source shown as {@code limits_source}: the cgroup version when either limit came from the
   * container, {@code host} when both are the machine's.
   */
  public LimitSource limitsSource() {
    return memorySource != LimitSource.HOST ? memorySource : cpuSource;
  }

  private static double percent(long used, long total) {
    if (used < 0 || total <= 0) {
      return Double.NaN;
    }
    return Math.min(100.0, used * 100.0 / total);
  }
}
