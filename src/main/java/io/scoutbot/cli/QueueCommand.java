package io.scoutbot.cli;

import io.scoutbot.files.JobView;
import io.scoutbot.files.Sizes;
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

/** {@code queue}: jobs with state, attempts, next attempt, progress and ETA. */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = {
      "List jobs with their progress and estimated finish.",
      "Unfinished jobs come first, in queue order, then the most recent finished ones. Estimates",
      "assume one serve and the upload rate observed so far."
    })
final class QueueCommand extends ScoutCommand {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Option(names = "--all", description = "Every user's jobs, not only yours, with their owners.")
  boolean all;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
      description = "Show at most N jobs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--cancel", paramLabel = "JOB",
      description = "Cancel your job JOB: a pending one at once, a running one within seconds.")
  Long cancel;

  @Option(names = "--retry", paramLabel = "JOB",
      description = "Run your failed or blocked job JOB again (its file must still be there).")
  Long retry;

  @Override
  int run(CliContext ctx, Output out) {
    Instant now = ctx.clock().instant();
    if (retry != null) {
      JobView job = ctx.files().retry(options.user, retry);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("retried", job(job, now));
      out.document(doc);
      out.text("Job " + job.id() + " (" + job.name() + ") is queued again; a running 'scoutbot"
          + " serve' runs it");
      return OK;
    }
    if (cancel != null) {
      JobView job = ctx.files().cancel(options.user, cancel);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("cancelled", job(job, now));
      out.document(doc);
      out.text(job.state() == JobView.State.CANCELLED
          ? "Cancelled job " + job.id() + " (" + job.name() + ")"
          : "Job " + job.id() + " (" + job.name() + ") is running; it stops within seconds");
      return OK;
    }
    List<JobView> jobs =
        ctx.files().jobs(all ? OptionalLong.empty() : OptionalLong.of(options.user),
            Math.max(limit, 1));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("jobs", jobs.stream().map(v -> job(v, now)).toList());
    out.document(doc);
    if (jobs.isEmpty()) {
      out.text("No jobs.");
      return OK;
    }
    String owner = all ? "%-10s " : "%s";
    out.text(String.format(Locale.ROOT, "%-6s " + owner + "%-6s %-9s %3s  %-14s %-9s %-9s %s",
        "JOB", all ? "OWNER" : "", "CODE", "STATE", "TRY", "NEXT", "PROGRESS", "ETA", "NAME"));
    for (JobView j : jobs) {
      out.text(String.format(Locale.ROOT, "%-6d " + owner + "%-6s %-9s %3d  %-14s %-9s %-9s %s (%s)",
          j.id(), all ? Long.toString(j.ownerId()) : "", j.code() == null ? "-" : j.code(),
          j.state().label(), j.attempts(), next(j, now), progress(j), eta(j, now), j.name(),
          j.size() < 0 ? "size unknown" : Sizes.human(j.size())));
      if (j.workerGone()) {
        out.text("       its worker is gone (" + j.runningOn() + " stopped); another worker takes"
            + " it over");
      } else if (j.runningOn() != null && all) {
        out.text("       running on " + j.runningOn());
      }
      if (j.lastError() != null && j.state() != JobView.State.COMPLETED) {
        out.text("       " + j.lastError());
      }
    }
    return OK;
  }

  private static Map<String, Object> job(JobView j, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", j.id());
    m.put("code", j.code());
    m.put("name", j.name());
    m.put("size", j.size() < 0 ? null : j.size());
    m.put("owner", j.ownerId());
    m.put("state", j.state().label());
    m.put("attempts", j.attempts());
    m.put("failures", j.failures());
    m.put("next_attempt_at", j.nextAttemptAt() == null ? null : j.nextAttemptAt().toString());
    m.put("phase", j.phase());
    m.put("progress_bytes", j.progressBytes());
    m.put("progress_percent", j.percent());
    m.put("eta", j.eta() == null ? null : j.eta().toString());
    m.put("eta_seconds", j.etaSeconds(now));
    m.put("last_error", j.lastError());
    m.put("source", j.source());
    m.put("worker", j.runningOn());
    m.put("worker_gone", j.workerGone());
    m.put("created_at", j.createdAt().toString());
    m.put("finished_at", j.finishedAt() == null ? null : j.finishedAt().toString());
    return m;
  }

  private static String next(JobView j, Instant now) {
    if (j.state() != JobView.State.PENDING || j.nextAttemptAt() == null) {
      return "-";
    }
    return j.nextAttemptAt().isAfter(now) ? TIME.format(j.nextAttemptAt()) : "now";
  }

  private static String progress(JobView j) {
    if (j.workerGone()) {
      return "stalled";
    }
    Double p = j.percent();
    if (p == null) {
      return j.state() == JobView.State.RUNNING && j.phase() != null ? j.phase() : "-";
    }
    return String.format(Locale.ROOT, "%.1f%%", p);
  }

  private static String eta(JobView j, Instant now) {
    Long s = j.etaSeconds(now);
    if (s == null) {
      return "-";
    }
    return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + (s % 60) + "s"
        : (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }
}
