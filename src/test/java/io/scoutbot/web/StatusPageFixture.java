package io.scoutbot.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a busy ScoutBot reports, for tests of the status page: a status document shaped like {@code
 * status --json} with one upload in flight at 42 %, one job waiting for resources and one recent
 * failure; and an hour of history with a throttled period twenty minutes ago.
 */
final class StatusPageFixture {

  static final long IN_FLIGHT_ID = 42;
  static final double IN_FLIGHT_PERCENT = 42.0;

  private StatusPageFixture() {}

  static Map<String, Object> status(Instant now) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("service", Map.of("node_id", "pi-4", "data_dir", "/data"));
    s.put("cpu_usage", 63.4);
    s.put("memory_usage", 58.2);
    s.put("disk_usage", 71.5);
    s.put("throttled", false);
    s.put("cpu_threshold", 80.0);
    s.put("memory_threshold", 75.0);
    s.put("disk_threshold", 90.0);
    s.put("recovery_margin", 10.0);
    s.put("monitoring", true);
    s.put("sampled_at", now.minusSeconds(1).toString());
    s.put("limits_source", "cgroup-v2");
    s.put("memory_limit_source", "cgroup-v2");
    s.put("cpu_limit_source", "cgroup-v2");
    s.put("cpu_limit_cores", 1.5);
    s.put("process_cpu_usage", 21.0);
    s.put("memory_used_bytes", 1_250_000_000L);
    s.put("memory_limit_bytes", 2_147_483_648L);
    s.put("disk_used_bytes", 71_500_000_000L);
    s.put("disk_total_bytes", 100_000_000_000L);
    s.put("heap_used_bytes", 96L << 20);
    s.put("heap_committed_bytes", 160L << 20);
    s.put("heap_max_bytes", 512L << 20);
    s.put("rss_bytes", 310L << 20);
    s.put("memory_budget_in_use_bytes", 2L << 20);
    s.put("memory_budget_peak_bytes", 8L << 20);
    s.put("memory_budget_capacity_bytes", 204L << 20);
    s.put("memory_budget_per_operation_bytes", 500L << 20);
    s.put("memory_budget_waiting", 0);
    s.put("work_limit", 3);
    s.put("work_limit_max", 3);
    s.put("work_in_flight", 1);
    s.put("work_waiting", 0);
    s.put("throttle_waiting", 0);
    s.put("gc_after_upload", true);
    s.put("gc_requests", 12);
    s.put("gc_collections", 5);
    s.put("gc_reclaimed_bytes", 640L << 20);
    s.put("gc_released_bytes", 310L << 20);
    s.put("database", Map.of("name", "jdbc:sqlite:/data/scoutbot.db", "up", true,
        "detail", "jdbc:sqlite:/data/scoutbot.db"));
    s.put("storage", Map.of("name", "pentaract", "up", true,
        "detail", "Pentaract at http://pentaract:8000/api: logged in, storage ScoutBot-Storage"));
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("pending", 1);
    queue.put("running", 1);
    queue.put("completed", 128);
    queue.put("failed", 2);
    queue.put("cancelled", 0);
    queue.put("oldest_pending", now.minusSeconds(95).toString());
    queue.put("max_concurrent_uploads", 3);
    queue.put("upload_rate_bytes_per_second", 5_452_595);
    s.put("queue", queue);
    Map<String, Object> running = new LinkedHashMap<>();
    running.put("id", IN_FLIGHT_ID);
    running.put("code", "K7Q2MX");
    running.put("name", "holiday-video-2026.mp4");
    running.put("size", 1_610_612_736L);
    running.put("state", "running");
    running.put("direction", "upload");
    running.put("progress_bytes", 676_457_349L);
    running.put("progress_percent", IN_FLIGHT_PERCENT);
    running.put("bytes_per_second", 5_452_595);
    running.put("eta_seconds", 171);
    Map<String, Object> waiting = new LinkedHashMap<>();
    waiting.put("id", 43);
    waiting.put("code", "P0W9ZA");
    waiting.put("name", "backup-2026-11.tar.zst");
    waiting.put("size", 4_294_967_296L);
    waiting.put("state", "pending");
    waiting.put("progress_bytes", 0);
    waiting.put("progress_percent", 0.0);
    waiting.put("eta_seconds", 960);
    waiting.put("waiting_reason", "Waiting for resources: CPU 91 % is above its 80 % threshold");
    s.put("transfers", List.of(running, waiting));
    s.put("recent_failures", List.of(Map.of(
        "id", 39, "name", "concert.flac", "failed_at", now.minusSeconds(600).toString(),
        "reason", "Pentaract refused the upload: storage ScoutBot-Storage has no workers; add "
            + "one in Pentaract's web UI, then retry the job")));
    return s;
  }

  /** An hour in 10 s steps; CPU above its threshold and throttled from −25 to −18 minutes. */
  static Map<String, Object> history(Instant now) {
    long end = now.getEpochSecond() / 10 * 10;
    List<Long> t = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Double> memory = new ArrayList<>();
    List<Double> disk = new ArrayList<>();
    List<Boolean> throttled = new ArrayList<>();
    for (long at = end - Duration.ofHours(1).toSeconds() + 10; at <= end; at += 10) {
      long ago = end - at;
      boolean hot = ago >= 18 * 60 && ago <= 25 * 60;
      t.add(at);
      cpu.add(hot ? 88 + (at % 70) / 10.0 : 35 + 20 * Math.sin(at / 300.0));
      memory.add(50 + 10 * Math.cos(at / 500.0));
      disk.add(71.5);
      throttled.add(hot);
    }
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("now", (double) now.getEpochSecond());
    h.put("step_seconds", 10.0);
    h.put("span_seconds", 3600.0);
    h.put("cpu_threshold", 80.0);
    h.put("memory_threshold", 75.0);
    h.put("disk_threshold", 90.0);
    h.put("t", t);
    h.put("cpu", cpu);
    h.put("memory", memory);
    h.put("disk", disk);
    h.put("throttled", throttled);
    return h;
  }
}
