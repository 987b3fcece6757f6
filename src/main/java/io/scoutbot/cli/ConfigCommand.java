package io.scoutbot.cli;

import io.scoutbot.config.ConfigCheck;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code config}: commands about settings files. They read files only and never build the
 * application, so they work where the configuration is broken, which is when they are needed.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check settings files.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {

  @ParentCommand RootCommand root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required (try 'scoutbot config check')");
  }

  /** {@code config check [FILE]}: what this service makes of an existing .env file. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Report each key of an existing .env file (e.g. the Python ScoutBot's) as used, defaulted,"
            + " renamed (with the new name) or unknown (with the nearest known name), and every"
            + " value that would stop startup. Reads only the file, not the environment.",
        "Exit codes: 0 it would start, 2 a value would stop startup (or the file is missing)."
      })
  static final class Check implements Callable<Integer> {

    @ParentCommand ConfigCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = ".env",
        description = "The file to check (default: ${DEFAULT-VALUE} in the working directory).")
    Path file;

    @Option(names = "--json", description = "Print exactly one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() {
      Output out = new Output(parent.root.out(), parent.root.err(), json);
      ConfigCheck.Report report = ConfigCheck.check(file);
      out.document(ConfigCheck.toMap(report));
      out.text("Checking " + report.file() + " (only the file; the environment is not read)");
      for (ConfigCheck.Entry e : report.entries()) {
        out.text(String.format("  %-34s %-9s %s", e.key(),
            e.status().name().toLowerCase(Locale.ROOT), describe(e)));
      }
      if (!report.entries().isEmpty()) {
        out.text(report.defaultedSettings() + " other settings are not in the file and keep their"
            + " defaults (README.md lists them).");
      }
      if (report.startsUp()) {
        out.text("OK: the service would start with this file.");
        return ScoutCommand.OK;
      }
      out.text("Would stop startup:");
      report.problems().forEach(p -> out.text("  " + p));
      report.hints().forEach(h -> out.text("  hint: " + h));
      if (!json) {
        parent.root.err().println("error: " + report.problems().size()
            + " value(s) in " + report.file() + " would stop startup");
        parent.root.err().flush();
      }
      return ScoutCommand.USAGE;
    }

    private static String describe(ConfigCheck.Entry e) {
      String main = switch (e.status()) {
        case USED, DEFAULTED -> e.value() == null ? "" : e.value();
        case RENAMED -> "use " + e.newName();
        case UNKNOWN -> e.nearest() == null ? "ignored" : "ignored; did you mean " + e.nearest() + "?";
      };
      if (e.note() == null) {
        return main;
      }
      return main.isEmpty() ? e.note() : main + " — " + e.note();
    }
  }
}
