package io.scoutbot.cli;

import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code scoutbot}: the root of the command tree; holds the lazily built application context. */
@Command(
    name = "scoutbot",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.Version.class,
    description = "Stores users' files in Pentaract (or a local directory) without overloading the host.",
    subcommands = {
      ServeCommand.class,
      UploadCommand.class,
      FetchCommand.class,
      DownloadCommand.class,
      ListCommand.class,
      InfoCommand.class,
      DeleteCommand.class,
      StatsCommand.class,
      QueueCommand.class,
      StatusCommand.class,
      ConfigCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 the operation failed, 2 bad usage or bad configuration.",
      "Settings come from the environment and ./.env; see README.md."
    })
public final class RootCommand implements Runnable {

  private final Function<Verbosity, CliContext> context;
  private final PrintWriter out;
  private final PrintWriter err;
  private CliContext built;

  /**
   * @param context builds the application for a command, once, with logging set for its verbosity
   */
  public RootCommand(Function<Verbosity, CliContext> context, PrintWriter out, PrintWriter err) {
    this.context = context;
    this.out = out;
    this.err = err;
  }

  /** A picocli command line over this root, with our exit codes for usage errors. */
  public static CommandLine commandLine(RootCommand root) {
    CommandLine cl = new CommandLine(root);
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

  @Spec CommandSpec spec;

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
