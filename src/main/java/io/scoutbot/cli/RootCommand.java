package io.scoutbot.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * {@code scoutbot}: the root of the command tree; holds the lazily built application context. Built
 * and parsed on the main thread. Its model is made in code (see {@link #spec}), not read from
 * annotations like the subcommands', which took a third of {@code --help}'s start-up samples.
 */
public final class RootCommand implements Runnable {

  /**
   * The subcommands in the order the root's help lists them, with the line it shows for each (the
   * first line of the command's description; RootCommandTest keeps the two equal).
   */
  static final List<Subcommand> SUBCOMMANDS = List.of(
      new Subcommand("serve", ServeCommand.class,
          "Run the service, including the upload queue's workers."),
      new Subcommand("upload", UploadCommand.class,
          "Store one or more files and print their codes."),
      new Subcommand("fetch", FetchCommand.class,
          "Fetch files from http(s) URLs into storage and print their codes."),
      new Subcommand("download", DownloadCommand.class,
          "Fetch a stored file by its code, verified."),
      new Subcommand("list", ListCommand.class, "List your stored files, newest first."),
      new Subcommand("info", InfoCommand.class, "Show everything known about one of your files."),
      new Subcommand("delete", DeleteCommand.class,
          "Delete one of your files from storage. This cannot be undone."),
      new Subcommand("stats", StatsCommand.class, "Show your storage statistics."),
      new Subcommand("queue", QueueCommand.class,
          "List jobs with their progress and estimated finish."),
      new Subcommand("status", StatusCommand.class, "Show the health of the database and storage"
          + " backend, the host's resources and the queue."),
      new Subcommand("config", ConfigCommand.class, "Check settings files."),
      new Subcommand("help", CommandLine.HelpCommand.class,
          "Display help information about the specified command."));

  /** A subcommand of the root: its name, its picocli class and the root's help line for it. */
  record Subcommand(String name, Class<?> type, String summary) {}

  private static final String DESCRIPTION =
      "Stores users' files in Pentaract (or a local directory) without overloading the host.";
  private static final String[] FOOTER = {
    "",
    "Exit codes: 0 success, 1 the operation failed, 2 bad usage or bad configuration.",
    "Settings come from the environment and ./.env; see README.md."
  };

  private final Function<Verbosity, CliContext> context;
  private final PrintWriter out;
  private final PrintWriter err;
  private CliContext built;
  private CommandSpec spec;

  /**
   * @param context builds the application for a command, once, with logging set for its verbosity
   */
  public RootCommand(Function<Verbosity, CliContext> context, PrintWriter out, PrintWriter err) {
    this.context = context;
    this.out = out;
    this.err = err;
  }

  /**
   * A picocli command line over this root for these arguments, with our exit codes for usage
   * errors. Picocli builds a command's model by reflection over its class, which is most of a
   * one-shot command's start (docs/BENCHMARKS.md), so only the subcommands the arguments name are
   * built; the others are placeholders that carry just the name and help line, which is all that
   * the root's help and picocli's "Did you mean" need. An argument file ({@code @FILE}) may name
   * any of them, so with one all are built.
   */
  public static CommandLine commandLine(RootCommand root, String... args) {
    List<String> named = List.of(args);
    boolean argumentFile = named.stream().anyMatch(a -> a.startsWith("@"));
    return commandLine(root, s -> argumentFile || named.contains(s.name()));
  }

  private static CommandLine commandLine(RootCommand root, Predicate<Subcommand> build) {
    CommandLine cl = new CommandLine(root.spec());
    for (Subcommand s : SUBCOMMANDS) {
      if (build.test(s)) {
        cl.addSubcommand(s.name(), s.type());
      } else {
        CommandSpec placeholder = CommandSpec.create().name(s.name());
        placeholder.usageMessage().description(s.summary());
        cl.addSubcommand(s.name(), placeholder);
      }
    }
    // after the subcommands: these settings reach only those already added
    cl.setOut(root.out);
    cl.setErr(root.err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  synchronized CliContext context(Verbosity verbosity) {
    if (built == null) {
      built = context.apply(verbosity);
    }
    return built;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  /**
   * The root's model: what {@code @Command(name = "scoutbot", mixinStandardHelpOptions = true,
   * versionProvider = Version.class, description = DESCRIPTION, footer = FOOTER)} would make.
   * RootCommandTest compares the help and errors with that annotated model.
   */
  CommandSpec spec() {
    if (spec == null) {
      spec = CommandSpec.wrapWithoutInspection(this).name("scoutbot")
          .versionProvider(new Version());
      spec.usageMessage().description(DESCRIPTION).footer(FOOTER);
      spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
          .description("Show this help message and exit.").build());
      spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
          .description("Print version information and exit.").build());
    }
    return spec;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required (try 'scoutbot --help')");
  }

  /** Reports the version from the jar's manifest (set by the build) and the Java running it. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RootCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "scoutbot " + (v == null ? "(development build, not from the jar)" : v),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
            + ", " + System.getProperty("java.home") + ")"
      };
    }
  }
}
