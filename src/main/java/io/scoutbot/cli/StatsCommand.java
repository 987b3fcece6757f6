package io.scoutbot.cli;

import io.scoutbot.files.Sizes;
import io.scoutbot.files.StorageStats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code stats}: the user's storage statistics. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Show your storage statistics.")
final class StatsCommand extends ScoutCommand {

  @Override
  int run(CliContext ctx, Output out) {
    StorageStats s = ctx.files().stats(options.user);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("files", s.files());
    doc.put("total_size", s.totalBytes());
    doc.put("uploads_24h", s.uploadsLastDay());
    doc.put("completed", s.completed());
    doc.put("failed", s.failed());
    doc.put("success_rate", Math.round(s.successRate() * 10) / 10.0);
    doc.put("avg_upload_seconds", Math.round(s.averageUploadSeconds() * 10) / 10.0);
    out.document(doc);
    out.text("Files:           " + s.files());
    out.text("Total size:      " + Sizes.human(s.totalBytes()));
    out.text("Uploads (24h):   " + s.uploadsLastDay());
    out.text(String.format(Locale.ROOT, "Success rate:    %.1f%%", s.successRate()));
    if (s.averageUploadSeconds() > 0) {
      out.text(String.format(Locale.ROOT, "Avg upload time: %.1fs", s.averageUploadSeconds()));
    }
    return OK;
  }
}
