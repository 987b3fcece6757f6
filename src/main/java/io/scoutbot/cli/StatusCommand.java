package io.scoutbot.cli;

import io.scoutbot.files.StatusReport;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code status}: health of the database and storage, resources, queue and transfers. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the health of the database and storage backend, the host's resources and the queue.",
      "Exit code 1 when the database or the storage backend is down (the report is still",
      "printed), so it can serve as a container health check."
    })
final class StatusCommand extends ScoutCommand {

  @Override
  int run(CliContext ctx, Output out) {
    StatusReport report = ctx.files().status();
    Map<String, Object> doc = report.toMap();
    out.document(doc);
    print(out, doc, "");
    if (!report.healthy()) {
      StatusReport.Health down = report.database().up() ? report.storage() : report.database();
      out.problem((down == report.database() ? "database" : "storage") + " is down: "
          + down.detail());
      return FAILED;
    }
    return OK;
  }

  private static void print(Output out, Map<?, ?> map, String indent) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> nested) {
        out.text(indent + e.getKey() + ":");
        print(out, nested, indent + "  ");
      } else if (e.getValue() instanceof List<?> list) {
        out.text(indent + e.getKey() + ":" + (list.isEmpty() ? " none" : ""));
        for (Object item : list) {
          if (item instanceof Map<?, ?> m) {
            out.text(indent + "  -");
            print(out, m, indent + "    ");
          } else {
            out.text(indent + "  - " + item);
          }
        }
      } else {
        out.text(indent + e.getKey() + ": " + e.getValue());
      }
    }
  }
}
