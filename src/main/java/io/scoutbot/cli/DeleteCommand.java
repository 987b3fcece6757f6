package io.scoutbot.cli;

import io.scoutbot.files.FileView;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code delete CODE}: removes a stored file from the backend and the catalog. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one of your files from storage. This cannot be undone.")
final class DeleteCommand extends ScoutCommand {

  @Parameters(paramLabel = "CODE", description = "The file's 6-character code.")
  String code;

  @Override
  int run(CliContext ctx, Output out) {
    FileView f = ctx.files().delete(options.user, code);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("code", f.code());
    doc.put("name", f.name());
    doc.put("deleted", true);
    out.document(doc);
    out.text("Deleted " + f.code() + " (" + f.name() + ")");
    return OK;
  }
}
