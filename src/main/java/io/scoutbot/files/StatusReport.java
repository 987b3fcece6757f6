package io.scoutbot.files;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an operator asks "how is it doing?" about, at one moment: the host's resources against
 * their limits, the governor's state, the database, the storage backend and the other components,
 * the queue, the transfers in flight and the latest failures. Immutable; built in one place ({@link
 * StatusReporter}) and read by {@code status --json}, {@code /api/status}, {@code /metrics} and the
 * bot's {@code /status}.
 *
 * @param queue null when the database cannot be read (the queue lives there)
 * @param components optional parts by name ({@code bot}, {@code http}, {@code yt_dlp}, …)
 */
public record StatusReport(
    Instant at,
    Service service,
    Resources resources,
    Health database,
    Health storage,
    Queue queue,
    List<Transfer> transfers,
    List<Failure> recentFailures,
    Map<String, Health> components) {

  public StatusReport {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(storage, "storage");
    transfers = List.copyOf(transfers);
    recentFailures = List.copyOf(recentFailures);
    components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }

  /** Whether the database and the storage backend can be used: what {@code status} exits on. */
  public boolean healthy() {
    return database.up() && storage.up();
  }

  /** This process. */
  public record Service(String nodeId, String dataDir, String version) {}

  /** Up or not, and one line saying why. */
  public record Health(String name, boolean up, String detail) {}

  /**
   * The governor's view: the latest sample against the limits, throttling, the memory budget, the
   * work limit and GC after upload. Percentages and sizes are null when not known (before the first
   * sample, or a figure the host does not give).
   *
   * @param limitsSource where the limits come from ({@code cgroup-v2}, {@code cgroup-v1},
   *     {@code host}); likewise per resource
   */
  public record Resources(
      Double cpuUsage,
      Double memoryUsage,
      Double diskUsage,
      boolean throttled,
      double cpuThreshold,
      double memoryThreshold,
      double diskThreshold,
      double recoveryMargin,
      boolean monitoring,
      Instant sampledAt,
      String limitsSource,
      String memoryLimitSource,
      String cpuLimitSource,
      Double cpuLimitCores,
      Double processCpuUsage,
      Long memoryUsedBytes,
      Long memoryLimitBytes,
      Long diskUsedBytes,
      Long diskTotalBytes,
      Long heapUsedBytes,
      Long heapCommittedBytes,
      Long heapMaxBytes,
      Long rssBytes,
      long budgetInUseBytes,
      long budgetPeakBytes,
      long budgetCapacityBytes,
      long budgetPerOperationBytes,
      int budgetWaiting,
      int workLimit,
      int workLimitMax,
      int workInFlight,
      int workWaiting,
      int throttleWaiting,
      boolean gcAfterUpload,
      long gcRequests,
      long gcCollections,
      long gcReclaimedBytes,
      long gcReleasedBytes) {

    /**
     * The flat shape {@code status --json} has always printed, the seed's keys first ({@code
     * cpu_usage}, {@code memory_usage}, {@code throttled}, {@code cpu_threshold}, {@code
     * memory_threshold}).
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cpu_usage", cpuUsage);
      m.put("memory_usage", memoryUsage);
      m.put("disk_usage", diskUsage);
      m.put("throttled", throttled);
      m.put("cpu_threshold", cpuThreshold);
      m.put("memory_threshold", memoryThreshold);
      m.put("disk_threshold", diskThreshold);
      m.put("recovery_margin", recoveryMargin);
      m.put("monitoring", monitoring);
      m.put("sampled_at", text(sampledAt));
      m.put("limits_source", limitsSource);
      m.put("memory_limit_source", memoryLimitSource);
      m.put("cpu_limit_source", cpuLimitSource);
      m.put("cpu_limit_cores", cpuLimitCores);
      m.put("process_cpu_usage", processCpuUsage);
      m.put("memory_used_bytes", memoryUsedBytes);
      m.put("memory_limit_bytes", memoryLimitBytes);
      m.put("disk_used_bytes", diskUsedBytes);
      m.put("disk_total_bytes", diskTotalBytes);
      m.put("heap_used_bytes", heapUsedBytes);
      m.put("heap_committed_bytes", heapCommittedBytes);
      m.put("heap_max_bytes", heapMaxBytes);
      m.put("rss_bytes", rssBytes);
      m.put("memory_budget_in_use_bytes", budgetInUseBytes);
      m.put("memory_budget_peak_bytes", budgetPeakBytes);
      m.put("memory_budget_capacity_bytes", budgetCapacityBytes);
      m.put("memory_budget_per_operation_bytes", budgetPerOperationBytes);
      m.put("memory_budget_waiting", budgetWaiting);
      m.put("work_limit", workLimit);
      m.put("work_limit_max", workLimitMax);
      m.put("work_in_flight", workInFlight);
      m.put("work_waiting", workWaiting);
      m.put("throttle_waiting", throttleWaiting);
      m.put("gc_after_upload", gcAfterUpload);
      m.put("gc_requests", gcRequests);
      m.put("gc_collections", gcCollections);
      m.put("gc_reclaimed_bytes", gcReclaimedBytes);
      m.put("gc_released_bytes", gcReleasedBytes);
      return m;
    }
  }

  /**
   * The queue across every process sharing the database.
   *
   * @param oldestPending submission time of the oldest pending job; null when none
   * @param uploadRateBytesPerSecond the upload rate observed (seeded from recent completions)
   * @param runningHere jobs this process runs now; null when this process runs no workers
   * @param pausedForOutageUntil until when this process's workers claim nothing because the
   *     backend was found unavailable; null when not paused (or no workers here)
   * @param unexpectedErrors errors this process's worker loops survived; null without workers
   */
  public record Queue(
      long pending,
      long running,
      long blocked,
      long completed,
      long failed,
      long cancelled,
      Instant oldestPending,
      int maxConcurrentUploads,
      long uploadRateBytesPerSecond,
      Integer runningHere,
      Instant pausedForOutageUntil,
      Long unexpectedErrors) {

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pending", pending);
      m.put("running", running);
      m.put("blocked", blocked);
      m.put("completed", completed);
      m.put("failed", failed);
      m.put("cancelled", cancelled);
      m.put("oldest_pending", text(oldestPending));
      m.put("max_concurrent_uploads", maxConcurrentUploads);
      m.put("upload_rate_bytes_per_second", uploadRateBytesPerSecond);
      if (runningHere != null) {
        m.put("running_here", runningHere);
        m.put("paused_for_outage_until", text(pausedForOutageUntil));
        m.put("unexpected_errors", unexpectedErrors);
      }
      return m;
    }
  }

  /**
   * A job moving bytes now, with its progress.
   *
   * @param total bytes of the current phase; -1 when unknown
   * @param eta when it should be done; null when unknown
   */
  public record Transfer(long jobId, String code, String name, String phase, long bytes,
      long total, double bytesPerSecond, Instant eta, String runningOn) {

    /** Done in the current phase, 0–100 with one decimal; null when the total is unknown. */
    public Double percent() {
      if (total < 0) {
        return null;
      }
      return total == 0 ? 100.0 : Math.min(100.0, Math.round(bytes * 1000.0 / total) / 10.0);
    }

    Map<String, Object> toMap(Instant now) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("job_id", jobId);
      m.put("code", code);
      m.put("name", name);
      m.put("phase", phase);
      m.put("bytes", bytes);
      m.put("total", total < 0 ? null : total);
      m.put("percent", percent());
      m.put("bytes_per_second", Math.round(bytesPerSecond));
      m.put("eta", text(eta));
      m.put("eta_seconds", eta == null ? null : Math.max(0, Duration.between(now, eta)
          .toSeconds()));
      m.put("running_on", runningOn);
      return m;
    }
  }

  /** A job that failed for good, recently. */
  public record Failure(long jobId, String code, String name, String reason, Instant at) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("job_id", jobId);
      m.put("code", code);
      m.put("name", name);
      m.put("reason", reason);
      m.put("at", text(at));
      return m;
    }
  }

  /**
   * The JSON shape of {@code status --json} and {@code /api/status}: {@code service}, the
   * resources' flat keys, {@code database}, {@code storage}, {@code queue} (null when the database
   * is down), then {@code transfers}, {@code recent_failures} and {@code components}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> doc = new LinkedHashMap<>();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("node_id", service.nodeId());
    s.put("data_dir", service.dataDir());
    s.put("version", service.version());
    doc.put("service", s);
    doc.putAll(resources.toMap());
    doc.put("database", health(database));
    doc.put("storage", health(storage));
    doc.put("queue", queue == null ? null : queue.toMap());
    doc.put("transfers", transfers.stream().map(t -> t.toMap(at)).toList());
    doc.put("recent_failures", recentFailures.stream().map(Failure::toMap).toList());
    Map<String, Object> c = new LinkedHashMap<>();
    components.forEach((k, v) -> c.put(k, health(v)));
    doc.put("components", c);
    doc.put("healthy", healthy());
    return doc;
  }

  private static Map<String, Object> health(Health h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", h.name());
    m.put("up", h.up());
    m.put("detail", h.detail());
    return m;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
