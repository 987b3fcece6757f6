package io.scoutbot.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code status}: health of the database and storage, resources, and settings that matter. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the health of the database and storage backend and the host's resources.")
final class StatusCommand extends ScoutCommand {

  @Override
  int run(CliContext ctx, Output out) {
    Map<String, Object> doc = ctx.status();
    out.document(doc);
    print(out, doc, "");
    return OK;
  }

  private static void print(Output out, Map<?, ?> map, String indent) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> nested) {
        out.text(indent + e.getKey() + ":");
        print(out, nested, indent + "  ");
      } else {
        out.text(indent + e.getKey() + ": " + e.getValue());
      }
    }
  }
}
