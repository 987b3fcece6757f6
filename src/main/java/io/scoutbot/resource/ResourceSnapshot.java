package io.scoutbot.resource;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the governor knows at one moment, for {@code status --json}, the status page, the bot
 * and metrics: the latest sample, the throttling state and thresholds, the memory budget, the work
 * limit and the GC counters. Immutable; built without waiting (it reads the monitor's last sample).
 *
 * @param sample the latest sample; null before the first one (or when monitoring is off)
 * @param sampledAt when {@code sample} was taken; null with it
 * @param monitoring whether the background monitor is running
 */
public record ResourceSnapshot(
    ResourceSample sample,
    Instant sampledAt,
    boolean monitoring,
    boolean throttled,
    Thresholds thresholds,
    Budget budget,
    Work work,
    CoalescingGc.Stats gc) {

  /** The memory budget's figures. */
  public record Budget(long inUse, long peak, long capacity, long perOperation, int waiting) {
    public static Budget of(MemoryBudget b) {
      return new Budget(b.inUse(), b.peak(), b.capacity(), b.perOperation(), b.waiting());
    }
  }

  /** The heavy-work limit's figures; {@code throttleWaiting} counts operations in the gate. */
  public record Work(int limit, int max, int inFlight, int waiting, int throttleWaiting) {}

  /** Reads every part now; {@code monitor} supplies the sample and throttling state. */
  public static ResourceSnapshot of(
      ResourceMonitor monitor, MemoryBudget budget, Work work, CoalescingGc.Stats gc) {
    ResourceMonitor.Reading r = monitor.latest().orElse(null);
    return new ResourceSnapshot(
        r == null ? null : r.sample(), r == null ? null : r.at(), monitor.running(),
        monitor.throttled(), monitor.thresholds(), Budget.of(budget), work, gc);
  }

  /**
   * The flat JSON shape, snake_case keys in display order. The seed's {@code check_resources} keys
   * come first ({@code cpu_usage}, {@code memory_usage}, {@code throttled}, {@code cpu_threshold},
   * {@code memory_threshold}); percentages have one decimal; unknown figures are null.
   */
  public Map<String, Object> toMap() {
    ResourceSample s = sample;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu_usage", s == null ? null : pct(s.cpuPercent()));
    m.put("memory_usage", s == null ? null : pct(s.memoryPercent()));
    m.put("disk_usage", s == null ? null : pct(s.diskPercent()));
    m.put("throttled", throttled);
    m.put("cpu_threshold", thresholds.cpu());
    m.put("memory_threshold", thresholds.memory());
    m.put("disk_threshold", thresholds.disk());
    m.put("recovery_margin", thresholds.recoveryMargin());
    m.put("monitoring", monitoring);
    m.put("sampled_at", sampledAt == null ? null : sampledAt.toString());
    m.put("limits_source", s == null ? null : s.limitsSource().label());
    m.put("memory_limit_source", s == null ? null : s.memorySource().label());
    m.put("cpu_limit_source", s == null ? null : s.cpuSource().label());
    m.put("cpu_limit_cores", s == null || Double.isNaN(s.cpuCores()) ? null
        : Math.round(s.cpuCores() * 100) / 100.0);
    m.put("process_cpu_usage", s == null ? null : pct(s.processCpuPercent()));
    m.put("memory_used_bytes", s == null ? null : bytes(s.memoryUsedBytes()));
    m.put("memory_limit_bytes", s == null ? null : bytes(s.memoryLimitBytes()));
    m.put("disk_used_bytes", s == null ? null : bytes(s.diskUsedBytes()));
    m.put("disk_total_bytes", s == null ? null : bytes(s.diskTotalBytes()));
    m.put("heap_used_bytes", s == null ? null : bytes(s.heapUsedBytes()));
    m.put("heap_committed_bytes", s == null ? null : bytes(s.heapCommittedBytes()));
    m.put("heap_max_bytes", s == null ? null : bytes(s.heapMaxBytes()));
    m.put("rss_bytes", s == null ? null : bytes(s.rssBytes()));
    m.put("memory_budget_in_use_bytes", budget.inUse());
    m.put("memory_budget_peak_bytes", budget.peak());
    m.put("memory_budget_capacity_bytes", budget.capacity());
    m.put("memory_budget_per_operation_bytes", budget.perOperation());
    m.put("memory_budget_waiting", budget.waiting());
    m.put("work_limit", work.limit());
    m.put("work_limit_max", work.max());
    m.put("work_in_flight", work.inFlight());
    m.put("work_waiting", work.waiting());
    m.put("throttle_waiting", work.throttleWaiting());
    m.put("gc_after_upload", gc.enabled());
    m.put("gc_requests", gc.requests());
    m.put("gc_collections", gc.collections());
    m.put("gc_reclaimed_bytes", gc.reclaimedBytes());
    m.put("gc_released_bytes", gc.releasedBytes());
    return m;
  }

  private static Double pct(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
  }

  private static Long bytes(long v) {
    return v < 0 ? null : v;
  }
}
