package io.scoutbot.cli;

import io.scoutbot.catalog.StoredFile;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.Sizes;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobListener;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.transfer.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upload FILE…}: stores files (or only queues them) and prints their codes. */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    description = {
      "Store one or more files and print their codes.",
      "Each file is checked first (exists, regular, readable); a file that fails the check is",
      "reported and skipped, and nothing is recorded for it. The others become durable queue",
      "jobs at once; this command runs them (or waits for a running serve that took them) and",
      "prints each code once the file is stored. Exit code 1 if any file failed.",
      "With --no-wait the files are only queued: each is copied into temp space (you may then",
      "delete or move the original) and a running serve uploads it; job ids and codes are printed."
    })
final class UploadCommand extends ScoutCommand {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to store.")
  List<Path> files;

  @Option(
      names = "--no-wait",
      description = "Only queue the files (copied into temp space) and print the job ids.")
  boolean noWait;

  @Override
  int run(CliContext ctx, Output out) throws InterruptedException {
    return noWait ? enqueue(ctx, out) : upload(ctx, out);
  }

  private int upload(CliContext ctx, Output out) throws InterruptedException {
    List<Path> storable = new ArrayList<>();
    List<Map<String, Object>> rejected = new ArrayList<>();
    long total = 0;
    for (Path file : files) {
      try {
        FileDesk.requireStorable(file);
        storable.add(file);
        total += size(file);
      } catch (ScoutFailure e) {
        rejected.add(failure(file, e.getMessage()));
      }
    }
    List<FileDesk.Upload> results = List.of();
    if (!storable.isEmpty()) {
      ProgressLine line =
          System.console() != null && !out.json()
              ? new ProgressLine(root.err(), "uploading " + (storable.size() == 1
                  ? storable.getFirst().getFileName() : storable.size() + " files"), total,
                  System::nanoTime)
              : null;
      Progress progress = line == null ? Progress.NONE : synchronizedProgress(line);
      try {
        results = ctx.files().upload(options.user, storable, progress, notices());
      } finally {
        if (line != null) {
          synchronized (line) {
            line.finish();
          }
        }
      }
    }
    List<Map<String, Object>> docs = new ArrayList<>();
    int failed = 0;
    int next = 0;
    for (Path file : files) {
      Map<String, Object> r;
      if (next < results.size() && results.get(next).file() == file) {
        FileDesk.Upload u = results.get(next++);
        if (u.ok()) {
          StoredFile f = u.stored();
          r = new LinkedHashMap<>(Output.file(f));
          r.put("job_id", u.job().id());
          out.text(f.code() + "  " + f.name() + "  " + Sizes.human(f.size()) + "  "
              + f.status().dbValue());
        } else {
          r = failure(file, u.error());
          if (u.job() != null) {
            r.put("code", u.job().code());
            r.put("job_id", u.job().id());
          }
        }
      } else {
        r = rejected.removeFirst();
      }
      if ("failed".equals(r.get("status"))) {
        failed++;
        root.err().println("error: " + r.get("error"));
        root.err().flush();
      }
      docs.add(r);
    }
    return report(out, docs, failed, failed == 0 && !docs.isEmpty(),
        "Use: scoutbot download CODE -o PATH");
  }

  private int enqueue(CliContext ctx, Output out) throws InterruptedException {
    List<Map<String, Object>> docs = new ArrayList<>();
    int failed = 0;
    for (Path file : files) {
      Map<String, Object> r;
      try {
        FileDesk.requireStorable(file);
        Job job = ctx.files().enqueue(options.user, file, null);
        r = new LinkedHashMap<>();
        r.put("code", job.code());
        r.put("name", job.name());
        r.put("size", job.size());
        r.put("sha256", null);
        r.put("status", "pending");
        r.put("remote_path", null);
        r.put("job_id", job.id());
        r.put("job_state", job.state().dbValue());
        out.text("job " + job.id() + "  " + job.code() + "  " + job.name() + "  "
            + Sizes.human(job.size()) + "  queued");
      } catch (ScoutFailure e) {
        failed++;
        r = failure(file, e.getMessage());
        root.err().println("error: " + e.getMessage());
        root.err().flush();
      }
      docs.add(r);
    }
    return report(out, docs, failed, failed < docs.size(),
        "Queued; a running 'scoutbot serve' uploads them. Follow with: scoutbot queue");
  }

  /** Prints the one document for all files, and the next step in text mode when {@code hint}. */
  private static int report(Output out, List<Map<String, Object>> docs, int failed,
      boolean hint, String nextStep) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("files", docs);
    doc.put("failed", failed);
    out.document(doc);
    if (!out.json() && hint) {
      out.text("");
      out.text(nextStep);
    }
    return failed == 0 ? OK : FAILED;
  }

  /** Retry notices on stderr, so a long wait (an outage) is never silent. */
  private JobListener notices() {
    return new JobListener() {
      @Override
      public void retrying(Job job, Instant next, String reason) {
        // on a terminal, clear the progress line first; in a log file, no escape codes
        String clear = System.console() != null ? "\r\033[K" : "";
        root.err().println(clear + "notice: " + job.name() + " (" + job.code() + "): " + reason
            + "; retrying at " + TIME.format(next) + " - it stays queued if you stop waiting");
        root.err().flush();
      }
    };
  }

  private static Progress synchronizedProgress(ProgressLine line) {
    return bytes -> {
      synchronized (line) {
        line.advance(bytes);
      }
    };
  }

  private static Map<String, Object> failure(Path file, String message) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", file.getFileName() == null ? file.toString() : file.getFileName().toString());
    r.put("path", file.toString());
    r.put("status", "failed");
    r.put("error", message);
    return r;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
