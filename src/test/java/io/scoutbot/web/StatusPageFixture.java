package io.scoutbot.web;

import io.scoutbot.files.StatusReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a busy ScoutBot reports, for tests of the status page: the facade's own {@link StatusReport}
 * (so the page is tested against the keys the service really sends) with one upload storing at
 * 42 %, a job blocked by the configuration and one recent failure; and an hour of history with a
 * throttled period twenty minutes ago.
 */
final class StatusPageFixture {

  static final long IN_FLIGHT_ID = 42;
  static final double IN_FLIGHT_PERCENT = 42.0;

  private StatusPageFixture() {}

  static Map<String, Object> status(Instant now) {
    StatusReport.Resources resources = new StatusReport.Resources(
        63.4, 58.2, 71.5, false, 80.0, 75.0, 90.0, 10.0, true, now.minusSeconds(1),
        "cgroup-v2", "cgroup-v2", "cgroup-v2", 1.5, 21.0,
        1_250_000_000L, 2_147_483_648L, 71_500_000_000L, 100_000_000_000L,
        96L << 20, 160L << 20, 512L << 20, 310L << 20,
        2L << 20, 8L << 20, 204L << 20, 500L << 20, 0,
        3, 3, 1, 0, 0,
        true, 12, 5, 640L << 20, 310L << 20);
    StatusReport report = new StatusReport(
        now,
        new StatusReport.Service("pi-4", "/data", "0.1.0"),
        resources,
        new StatusReport.Health("jdbc:sqlite:/data/scoutbot.db", true,
            "jdbc:sqlite:/data/scoutbot.db"),
        new StatusReport.Health("pentaract", true,
            "reachable at http://pentaract:8000/api, logged in, storage 'ScoutBot-Storage'"),
        new StatusReport.Queue(1, 1, 1, 128, 2, 0, now.minusSeconds(95), 3, 5_452_595, 1, null,
            0L),
        List.of(new StatusReport.Transfer(IN_FLIGHT_ID, "K7Q2MX", "holiday-video-2026.mp4",
            "storing", 676_457_349L, 1_610_612_736L, 5_452_595, now.plusSeconds(171), "pi-4")),
        List.of(new StatusReport.Failure(39, "C0NC3R", "concert.flac",
            "Pentaract refused the upload: storage ScoutBot-Storage has no workers; add one in "
                + "Pentaract's web UI, then retry the job", now.minusSeconds(600))),
        Map.of("yt_dlp", new StatusReport.Health("yt-dlp", true, "yt-dlp 2025.06.09")));
    return report.toMap();
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
