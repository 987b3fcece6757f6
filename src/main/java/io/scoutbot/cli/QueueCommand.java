package io.scoutbot.cli;

import io.scoutbot.files.Sizes;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.UploadJobs.JobView;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code queue}: upload jobs with state, attempts, next attempt, progress and ETA. */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = {
      "List upload jobs with their progress and estimated finish.",
      "Unfinished jobs come first, in queue order, then the most recent finished ones. Estimates",
      "assume one serve and the upload rate observed so far."
    })
final class QueueCommand extends ScoutCommand {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Option(names = "--all", description = "Every user's jobs, not only yours.")
  boolean all;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
      description = "Show at most N jobs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--cancel", paramLabel = "JOB", description = "Cancel your pending job JOB.")
  Long cancel;

  @Override
  int run(CliContext ctx, Output out) {
    if (cancel != null) {
      Job job = ctx.files().cancel(options.user, cancel);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("cancelled", job(new JobView(job, null), Instant.now()));
      out.document(doc);
      out.text("Cancelled job " + job.id() + " (" + job.name() + ")");
      return OK;
    }
    Instant now = Instant.now();
    List<JobView> jobs =
        ctx.files().jobs(all ? OptionalLong.empty() : OptionalLong.of(options.user),
            Math.max(limit, 1));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("jobs", jobs.stream().map(v -> job(v, now)).toList());
    out.document(doc);
    if (jobs.isEmpty()) {
      out.text("No upload jobs.");
      return OK;
    }
    out.text(String.format(Locale.ROOT, "%-6s %-6s %-9s %3s  %-14s %-9s %-9s %s", "JOB", "CODE",
        "STATE", "TRY", "NEXT", "PROGRESS", "ETA", "NAME"));
    for (JobView v : jobs) {
      Job j = v.job();
      out.text(String.format(Locale.ROOT, "%-6d %-6s %-9s %3d  %-14s %-9s %-9s %s (%s)", j.id(),
          j.code() == null ? "-" : j.code(), j.state().dbValue(), j.attempts(), next(j, now),
          progress(j), eta(v.eta(), now), j.name(), j.size() < 0 ? "size unknown"
              : Sizes.human(j.size())));
      if (j.lastError() != null && j.state() != JobState.COMPLETED) {
        out.text("       " + j.lastError());
      }
    }
    return OK;
  }

  private static Map<String, Object> job(JobView v, Instant now) {
    Job j = v.job();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", j.id());
    m.put("code", j.code());
    m.put("name", j.name());
    m.put("size", j.size() < 0 ? null : j.size());
    m.put("owner", j.ownerId());
    m.put("state", j.state().dbValue());
    m.put("attempts", j.attempts());
    m.put("failures", j.failures());
    m.put("next_attempt_at", j.state() == JobState.PENDING ? j.nextAttemptAt().toString() : null);
    m.put("progress_bytes", j.progressBytes());
    m.put("progress_percent", percent(j));
    m.put("eta", v.eta() == null ? null : v.eta().toString());
    m.put("eta_seconds",
        v.eta() == null ? null : Math.max(0, Duration.between(now, v.eta()).toSeconds()));
    m.put("last_error", j.lastError());
    m.put("source", j.source().kind());
    m.put("worker", j.leaseOwner());
    m.put("created_at", j.createdAt().toString());
    m.put("finished_at", j.finishedAt() == null ? null : j.finishedAt().toString());
    return m;
  }

  private static Double percent(Job j) {
    if (j.state() == JobState.COMPLETED) {
      return 100.0;
    }
    if (j.state() != JobState.RUNNING || j.size() <= 0) {
      return j.state() == JobState.RUNNING && j.size() == 0 ? 100.0 : null;
    }
    return Math.min(100.0, Math.round(j.progressBytes() * 1000.0 / j.size()) / 10.0);
  }

  private static String next(Job j, Instant now) {
    if (j.state() != JobState.PENDING) {
      return "-";
    }
    return j.nextAttemptAt().isAfter(now) ? TIME.format(j.nextAttemptAt()) : "now";
  }

  private static String progress(Job j) {
    Double p = percent(j);
    return p == null ? "-" : String.format(Locale.ROOT, "%.1f%%", p);
  }

  private static String eta(Instant eta, Instant now) {
    if (eta == null) {
      return "-";
    }
    long s = Math.max(0, Duration.between(now, eta).toSeconds());
    return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + (s % 60) + "s"
        : (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }
}
