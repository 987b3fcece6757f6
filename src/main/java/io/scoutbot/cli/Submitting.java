package io.scoutbot.cli;

import io.scoutbot.files.FileView;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.JobView;
import io.scoutbot.files.Sizes;
import io.scoutbot.files.Submission;
import io.scoutbot.files.UploadOutcome;
import io.scoutbot.retry.ScoutFailure;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What {@code upload} and {@code fetch} share: queueing submissions without waiting, or storing them
 * and waiting, with a progress bar and notices from the job events, and one output document. Not
 * thread-safe beyond what the event listener needs.
 */
final class Submitting {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private Submitting() {}

  /** Queues each submission and prints its job and code; exit 1 if any was refused. */
  static int enqueue(CliContext ctx, Output out, PrintWriter err, long user,
      List<Submission> submissions, String nextStep) throws InterruptedException {
    List<Map<String, Object>> docs = new ArrayList<>();
    int failed = 0;
    for (Submission s : submissions) {
      Map<String, Object> r;
      try {
        JobView job = ctx.files().submit(user, s);
        r = new LinkedHashMap<>();
        r.put("code", job.code());
        r.put("name", job.name());
        r.put("size", job.size() < 0 ? null : job.size());
        r.put("sha256", null);
        r.put("status", "pending");
        r.put("remote_path", null);
        r.put("job_id", job.id());
        r.put("job_state", job.state().label());
        out.text("job " + job.id() + "  " + job.code() + "  " + job.name() + "  "
            + (job.size() < 0 ? "size unknown" : Sizes.human(job.size())) + "  queued");
      } catch (ScoutFailure e) {
        failed++;
        r = failure(s, e.getMessage());
        err.println("error: " + e.getMessage());
        err.flush();
      }
      docs.add(r);
    }
    return report(out, docs, failed, failed < docs.size(), nextStep);
  }

  /**
   * Stores each submission and waits for the outcomes, drawing {@code line} (when not null) from
   * the job events and printing retries as notices; exit 1 if any file was not stored.
   */
  static int storeAndWait(CliContext ctx, Output out, PrintWriter err, CommonOptions options,
      ProgressLine line, List<Submission> submissions, UploadCommand.Job phases)
      throws InterruptedException {
    Bar bar = new Bar(line, phases);
    boolean notices = options.verbosity() != Verbosity.QUIET;
    Consumer<JobEvent> listener = e -> {
      switch (e) {
        case JobEvent.Progress p -> bar.progress(p);
        case JobEvent.Completed c -> bar.done(c.job());
        case JobEvent.Retrying r when notices -> notice(err, line, r.job().name() + " ("
            + r.job().code() + "): " + r.reason() + "; retrying at " + TIME.format(r.at())
            + " - it stays queued if you stop waiting");
        case JobEvent.Waiting w when notices -> notice(err, line, w.job().name() + " ("
            + w.job().code() + "): waiting - " + w.reason());
        default -> {}
      }
    };
    List<UploadOutcome> outcomes;
    try {
      outcomes = ctx.files().store(options.user, submissions, listener);
    } finally {
      if (line != null) {
        line.finish();
      }
    }
    List<Map<String, Object>> docs = new ArrayList<>();
    int failed = 0;
    for (UploadOutcome o : outcomes) {
      Map<String, Object> r;
      if (o.ok()) {
        FileView f = o.file();
        r = new LinkedHashMap<>(Output.file(f));
        if (o.submission().kind() == Submission.Kind.URL) {
          r.put("url", o.submission().describe());
        }
        r.put("job_id", o.job().id());
        out.text(f.code() + "  " + f.name() + "  " + Sizes.human(f.size()) + "  "
            + f.state().label());
      } else {
        failed++;
        r = failure(o.submission(), o.error());
        if (o.job() != null) {
          r.put("code", o.job().code());
          r.put("job_id", o.job().id());
        }
        err.println("error: " + o.error());
        err.flush();
      }
      docs.add(r);
    }
    return report(out, docs, failed, failed == 0 && !docs.isEmpty(),
        "Use: scoutbot download CODE -o PATH");
  }

  private static void notice(PrintWriter err, ProgressLine line, String text) {
    if (line != null) {
      line.notice("notice: " + text);
    } else {
      err.println("notice: " + text);
      err.flush();
    }
  }

  /** Prints the one document for all files, and the next step in text mode when {@code hint}. */
  private static int report(Output out, List<Map<String, Object>> docs, int failed, boolean hint,
      String nextStep) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("files", docs);
    doc.put("failed", failed);
    out.document(doc);
    if (!out.json() && hint) {
      out.text("");
      out.text(nextStep);
    }
    return failed == 0 ? ScoutCommand.OK : ScoutCommand.FAILED;
  }

  private static Map<String, Object> failure(Submission s, String message) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", switch (s.kind()) {
      case LOCAL_FILE -> s.file().getFileName() == null ? s.file().toString()
          : s.file().getFileName().toString();
      default -> s.name() == null ? s.describe() : s.name();
    });
    r.put(s.kind() == Submission.Kind.URL ? "url" : "path", s.describe());
    r.put("status", "failed");
    r.put("error", message);
    return r;
  }

  /**
   * Sums the jobs' progress into one bar: each job counts its bytes in the phases that move its
   * file once (fetched sources count fetching and storing as halves of one pass).
   */
  private static final class Bar {
    private final ProgressLine line;
    private final UploadCommand.Job phases;
    private final Map<Long, Long> moving = new ConcurrentHashMap<>();
    private final Map<Long, Long> sizes = new ConcurrentHashMap<>();
    private long finished;

    Bar(ProgressLine line, UploadCommand.Job phases) {
      this.line = line;
      this.phases = phases;
    }

    synchronized void progress(JobEvent.Progress p) {
      if (line == null) {
        return;
      }
      boolean counts = phases == UploadCommand.Job.FETCH_AND_STORE
          || p.phase().equals("storing");
      if (!counts) {
        return;
      }
      long bytes = p.bytes();
      if (phases == UploadCommand.Job.FETCH_AND_STORE) {
        // two passes over one file: half a pass each, so the bar moves once from 0 to 100 %
        bytes = p.phase().equals("storing") ? (p.total() + p.bytes()) / 2 : p.bytes() / 2;
      }
      moving.put(p.jobId(), bytes);
      if (p.total() >= 0) {
        sizes.put(p.jobId(), p.total());
      }
      draw();
    }

    synchronized void done(JobView job) {
      moving.remove(job.id());
      finished += Math.max(sizes.getOrDefault(job.id(), job.size()), 0);
      sizes.remove(job.id());
      draw();
    }

    private void draw() {
      if (line == null) {
        return;
      }
      long done = finished + moving.values().stream().mapToLong(Long::longValue).sum();
      if (phases == UploadCommand.Job.STORING_ONLY) {
        line.moveTo(done); // the total is the files' sizes, known before anything started
      } else {
        // fetched files: the total grows as servers announce sizes
        line.update(done, finished + sizes.values().stream().mapToLong(Long::longValue).sum());
      }
    }
  }
}
