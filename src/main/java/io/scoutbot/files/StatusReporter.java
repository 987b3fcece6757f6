package io.scoutbot.files;

import io.scoutbot.health.HealthCheck;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobBoard;
import io.scoutbot.queue.JobQuery;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.QueueCounts;
import io.scoutbot.resource.ResourceSample;
import io.scoutbot.resource.ResourceSnapshot;
import io.scoutbot.retry.ScoutFailure;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the {@link StatusReport}: the one place that reads the governor, the health checks, the
 * queue and the event feed for it. Thread-safe; each report is read fresh (a few cheap queries) and
 * never waits for a sample (the resources supplier decides that).
 */
final class StatusReporter {

  private final StatusParts parts;
  private final JobBoard board;
  private final Estimates estimates;
  private final JobFeed feed;
  private final InstantSource clock;

  StatusReporter(StatusParts parts, JobBoard board, Estimates estimates, JobFeed feed,
      InstantSource clock) {
    this.parts = Objects.requireNonNull(parts, "parts");
    this.board = board;
    this.estimates = estimates;
    this.feed = feed;
    this.clock = clock;
  }

  StatusReport report() {
    Instant now = clock.instant();
    StatusReport.Health db = health(parts.databaseName(), parts.database());
    StatusReport.Health storage = health(parts.storageName(), parts.storage());
    StatusReport.Queue queue = null;
    List<StatusReport.Transfer> transfers = List.of();
    List<StatusReport.Failure> failures = List.of();
    if (db.up()) {
      try {
        QueueCounts c = board.counts();
        Estimates.Plan plan = estimates.plan();
        Optional<StatusParts.Workers> w = parts.workers().get();
        queue = new StatusReport.Queue(c.pending(), c.running(), c.blocked(), c.completed(),
            c.failed(),
            c.cancelled(), c.oldestPending(), parts.maxConcurrentUploads(),
            Math.round(estimates.bytesPerSecond()), w.map(StatusParts.Workers::inFlight).orElse(null),
            w.map(StatusParts.Workers::pausedUntil).filter(now::isBefore).orElse(null),
            w.map(StatusParts.Workers::unexpectedErrors).orElse(null));
        transfers = transfers(plan, now);
        failures = board.list(new JobQuery(OptionalLong.empty(), Set.of(JobState.FAILED), true,
            FileDesk.RECENT_FAILURES)).stream()
            .map(j -> new StatusReport.Failure(j.id(), j.code(), j.name(), j.lastError(),
                j.finishedAt()))
            .toList();
      } catch (ScoutFailure e) {
        // the database went away between the check and the reads: report it as it is now
        db = new StatusReport.Health(db.name(), false, e.getMessage());
        queue = null;
      }
    }
    return new StatusReport(now, parts.service(), resources(parts.resources().get()), db, storage,
        queue, transfers, failures, parts.components().get());
  }

  private List<StatusReport.Transfer> transfers(Estimates.Plan plan, Instant now) {
    List<StatusReport.Transfer> out = new ArrayList<>();
    for (Job j : plan.unfinished()) {
      if (j.state() != JobState.RUNNING || j.phase() == null) {
        continue;
      }
      // this process's own jobs report every chunk; the row only every heartbeat
      JobFeed.Motion m = feed.motion(j.id()).filter(x -> x.phase().equals(j.phase()))
          .orElse(new JobFeed.Motion(j.phase(), j.progressBytes(), 0));
      long bytes = Math.max(m.bytes(), j.progressBytes());
      double rate = m.bytesPerSecond();
      long total = j.size();
      Instant eta = total >= 0 && rate > 0
          ? now.plusMillis((long) (Math.max(total - bytes, 0) / rate * 1000))
          : plan.eta().get(j.id());
      out.add(new StatusReport.Transfer(j.id(), j.code(), j.name(), j.phase(), bytes, total,
          rate, eta, Views.runningOn(j.leaseOwner())));
    }
    return out;
  }

  private static StatusReport.Health health(String name, HealthCheck check) {
    HealthCheck.Health h = check.check();
    return new StatusReport.Health(name, h.up(), h.detail());
  }

  /** The governor's snapshot as the report's typed resources. */
  static StatusReport.Resources resources(ResourceSnapshot r) {
    ResourceSample s = r.sample();
    ResourceSnapshot.Budget b = r.budget();
    ResourceSnapshot.Work w = r.work();
    return new StatusReport.Resources(
        s == null ? null : pct(s.cpuPercent()),
        s == null ? null : pct(s.memoryPercent()),
        s == null ? null : pct(s.diskPercent()),
        r.throttled(),
        r.thresholds().cpu(),
        r.thresholds().memory(),
        r.thresholds().disk(),
        r.thresholds().recoveryMargin(),
        r.monitoring(),
        r.sampledAt(),
        s == null ? null : s.limitsSource().label(),
        s == null ? null : s.memorySource().label(),
        s == null ? null : s.cpuSource().label(),
        s == null || Double.isNaN(s.cpuCores()) ? null : Math.round(s.cpuCores() * 100) / 100.0,
        s == null ? null : pct(s.processCpuPercent()),
        s == null ? null : bytes(s.memoryUsedBytes()),
        s == null ? null : bytes(s.memoryLimitBytes()),
        s == null ? null : bytes(s.diskUsedBytes()),
        s == null ? null : bytes(s.diskTotalBytes()),
        s == null ? null : bytes(s.heapUsedBytes()),
        s == null ? null : bytes(s.heapCommittedBytes()),
        s == null ? null : bytes(s.heapMaxBytes()),
        s == null ? null : bytes(s.rssBytes()),
        b.inUse(), b.peak(), b.capacity(), b.perOperation(), b.waiting(),
        w.limit(), w.max(), w.inFlight(), w.waiting(), w.throttleWaiting(),
        r.gc().enabled(), r.gc().requests(), r.gc().collections(), r.gc().reclaimedBytes(),
        r.gc().releasedBytes());
  }

  private static Double pct(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
  }

  private static Long bytes(long v) {
    return v < 0 ? null : v;
  }
}
