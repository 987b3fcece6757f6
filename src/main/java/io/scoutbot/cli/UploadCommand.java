package io.scoutbot.cli;

import io.scoutbot.catalog.StoredFile;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.Sizes;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.transfer.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code upload FILE…}: stores files and prints their codes. */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    description = {
      "Store one or more files and print their codes.",
      "Each file is checked first (exists, regular, readable); a file that fails the check is",
      "reported and skipped, and nothing is recorded for it. Exit code 1 if any file failed."
    })
final class UploadCommand extends ScoutCommand {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to store.")
  List<Path> files;

  @Override
  int run(CliContext ctx, Output out) throws InterruptedException {
    List<Map<String, Object>> results = new ArrayList<>();
    int failed = 0;
    FileDesk desk = null;
    for (Path file : files) {
      Map<String, Object> r = new LinkedHashMap<>();
      try {
        FileDesk.requireStorable(file);
        if (desk == null) {
          desk = ctx.files();
        }
        StoredFile f = upload(desk, file, out);
        r.putAll(Output.file(f));
        out.text(f.code() + "  " + f.name() + "  " + Sizes.human(f.size()) + "  "
            + f.status().dbValue());
      } catch (ScoutFailure e) {
        failed++;
        r.put("name", file.getFileName() == null ? file.toString() : file.getFileName().toString());
        r.put("path", file.toString());
        r.put("status", "failed");
        r.put("error", e.getMessage());
        root.err().println("error: " + e.getMessage());
        root.err().flush();
      }
      results.add(r);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("files", results);
    doc.put("failed", failed);
    out.document(doc);
    if (!out.json() && failed == 0 && !results.isEmpty()) {
      out.text("");
      out.text("Use: scoutbot download CODE -o PATH");
    }
    return failed == 0 ? OK : FAILED;
  }

  private StoredFile upload(FileDesk desk, Path file, Output out) throws InterruptedException {
    long size;
    try {
      size = Files.size(file);
    } catch (java.io.IOException e) {
      size = -1;
    }
    ProgressLine line =
        System.console() != null && !out.json()
            ? new ProgressLine(root.err(), "uploading " + file.getFileName(), size, System::nanoTime)
            : null;
    try {
      return desk.upload(options.user, file, null, line == null ? Progress.NONE : line);
    } finally {
      if (line != null) {
        line.finish();
      }
    }
  }
}
