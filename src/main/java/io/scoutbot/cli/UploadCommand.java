package io.scoutbot.cli;

import io.scoutbot.files.Submission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to store.")
  List<Path> files;

  @Option(
      names = "--no-wait",
      description = "Only queue the files (copied into temp space) and print the job ids.")
  boolean noWait;

  @Override
  int run(CliContext ctx, Output out) throws InterruptedException {
    if (noWait) {
      List<Submission> queued = files.stream().map(Submission::localCopy).toList();
      return Submitting.enqueue(ctx, out, root.err(), options.user, queued,
          "Queued; a running 'scoutbot serve' uploads them. Follow with: scoutbot queue");
    }
    long total = files.stream().mapToLong(UploadCommand::size).sum();
    ProgressLine line = showsProgress(out)
        ? new ProgressLine(root.err(), "uploading " + (files.size() == 1
            ? files.getFirst().getFileName() : files.size() + " files"), total, System::nanoTime)
        : null;
    return Submitting.storeAndWait(ctx, out, root.err(), options, line,
        files.stream().map(Submission::localFile).toList(), Job.STORING_ONLY);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** Which phases count on the progress bar. */
  enum Job {
    /** Local files are read in place: only storing moves bytes. */
    STORING_ONLY,
    /** Fetched sources: fetching and storing both move the file once. */
    FETCH_AND_STORE
  }
}
