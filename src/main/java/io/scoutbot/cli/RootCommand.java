package io.scoutbot.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code scoutbot}: the root of the command tree; holds the lazily built application context. */
@Command(
    name = "scoutbot",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.Version.class,
    description = "Stores users' files in Pentaract (or a local directory) without overloading the host.",
    subcommands = {
      ServeCommand.class,
      UploadCommand.class,
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

  private final Supplier<CliContext> context;
  private final PrintWriter out;
  private final PrintWriter err;
  private CliContext built;

  public RootCommand(Supplier<CliContext> context, PrintWriter out, PrintWriter err) {
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

  synchronized CliContext context() {
    if (built == null) {
      built = context.get();
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

  /** Reports the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RootCommand.class.getPackage().getImplementationVersion();
      return new String[] {"scoutbot " + (v == null ? "(development build)" : v)};
    }
  }
}
