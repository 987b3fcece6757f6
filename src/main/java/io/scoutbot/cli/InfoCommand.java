package io.scoutbot.cli;

import io.scoutbot.catalog.StoredFile;
import io.scoutbot.files.FileDesk;
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
    StoredFile f = ctx.files().info(options.user, code).orElseThrow(() -> FileDesk.notFound(code));
    out.document(Output.file(f));
    out.text("Code:      " + f.code());
    out.text("Name:      " + f.name());
    out.text("Size:      " + Sizes.human(f.size()) + " (" + f.size() + " bytes)");
    out.text("Type:      " + f.mimeType());
    out.text("Status:    " + f.status().dbValue() + (f.error() == null ? "" : " (" + f.error() + ")"));
    out.text("SHA-256:   " + (f.sha256() == null ? "-" : f.sha256()));
    out.text("Stored in: " + f.backend() + (f.remotePath() == null ? "" : " at " + f.remotePath()));
    out.text("Uploaded:  " + (f.completedAt() == null ? "-" : f.completedAt().toString()));
    return OK;
  }
}
