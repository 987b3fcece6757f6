package io.scoutbot.cli;

import io.scoutbot.files.FileView;
import io.scoutbot.files.Sizes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code list}: the user's stored files, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List your stored files, newest first.")
final class ListCommand extends ScoutCommand {

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  @Override
  int run(CliContext ctx, Output out) {
    List<FileView> files = ctx.files().list(options.user);
    long total = files.stream().mapToLong(FileView::size).sum();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("files", files.stream().map(Output::file).toList());
    doc.put("total_files", files.size());
    doc.put("total_size", total);
    out.document(doc);
    if (files.isEmpty()) {
      out.text("No files found in your storage.");
      return OK;
    }
    for (FileView f : files) {
      out.text(String.format("%s  %10s  %s  %s", f.code(), Sizes.human(f.size()),
          DAY.format(f.createdAt()), f.name()));
    }
    out.text("Total: " + files.size() + " files, " + Sizes.human(total));
    return OK;
  }
}
