package io.scoutbot.cli;

import io.scoutbot.files.FileDesk;
import io.scoutbot.files.FileView;
import io.scoutbot.files.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code info CODE}: everything known about one file. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show everything known about one of your files.")
final class InfoCommand extends ScoutCommand {

  @Parameters(paramLabel = "CODE", description = "The file's 6-character code.")
  String code;

  @Override
  int run(CliContext ctx, Output out) {
    FileView f = ctx.files().info(options.user, code).orElseThrow(() -> FileDesk.notFound(code));
    out.document(Output.file(f));
    out.text("Code:      " + f.code());
    out.text("Name:      " + f.name());
    out.text("Size:      " + (f.size() < 0 ? "not known yet"
        : Sizes.human(f.size()) + " (" + f.size() + " bytes)"));
    out.text("Type:      " + f.mimeType());
    out.text("Status:    " + f.state().label() + (f.error() == null ? "" : " (" + f.error() + ")"));
    out.text("SHA-256:   " + (f.sha256() == null ? "-" : f.sha256()));
    out.text("Stored in: " + f.backend() + (f.remotePath() == null ? "" : " at " + f.remotePath()));
    // only a stored file was uploaded; a failed one ended then, which is not the same thing
    if (f.stored()) {
      out.text("Uploaded:  " + f.completedAt());
    } else if (f.state() == FileView.State.FAILED && f.completedAt() != null) {
      out.text("Failed:    " + f.completedAt());
    } else {
      out.text("Queued:    " + f.createdAt());
    }
    return OK;
  }
}
