package io.scoutbot.cli;

import io.scoutbot.files.FileDesk;
import io.scoutbot.files.FileView;
import io.scoutbot.files.Sizes;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code download CODE [-o PATH]}: fetches a stored file and verifies it. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch a stored file by its code, verified.",
      "Size and SHA-256 are checked before the file appears at PATH; on a mismatch nothing is",
      "written and the exit code is 1."
    })
final class DownloadCommand extends ScoutCommand {

  @Parameters(paramLabel = "CODE", description = "The file's 6-character code.")
  String code;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "PATH",
      description = "Where to write it: a file, or a directory to put it in. Default: the current"
          + " directory, under the file's name.")
  Path output;

  @Override
  int run(CliContext ctx, Output out) throws InterruptedException {
    FileDesk desk = ctx.files();
    FileView f = desk.info(options.user, code).filter(FileView::stored).orElse(null);
    Path target = output == null ? Path.of("").toAbsolutePath() : output;
    ProgressLine line = f != null && showsProgress(out)
        ? new ProgressLine(root.err(), "downloading " + f.name(), f.size(), System::nanoTime)
        : null;
    Path written;
    try {
      written = desk.download(options.user, code, target, line == null ? bytes -> {}
          : line::advance);
    } finally {
      if (line != null) {
        line.finish();
      }
    }
    FileView done = desk.info(options.user, code).orElseThrow();
    Map<String, Object> doc = Output.file(done);
    doc.put("path", written.toString());
    out.document(doc);
    out.text(written + "  " + Sizes.human(done.size()) + "  sha256 " + done.sha256()
        + " (verified)");
    return OK;
  }
}
