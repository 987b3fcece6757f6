package io.scoutbot.cli;

import picocli.CommandLine.Option;

/** Options every command accepts. */
final class CommonOptions {

  /** The local operator's user id, used when {@code --user} is not given. */
  static final long LOCAL_OPERATOR = 0;

  @Option(names = "--json", description = "Print exactly one JSON document on stdout (logs stay on stderr).")
  boolean json;

  @Option(
      names = "--user",
      paramLabel = "ID",
      description = "Act as this user (a Telegram user id). Default: ${DEFAULT-VALUE}, the local operator.",
      defaultValue = "0")
  long user = LOCAL_OPERATOR;

  @Option(names = {"-q", "--quiet"},
      description = "Print results and errors only: no progress bar, no notices, log lines from WARN up.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Print log lines from DEBUG up.")
  boolean verbose;

  Verbosity verbosity() {
    return quiet ? Verbosity.QUIET : verbose ? Verbosity.VERBOSE : Verbosity.NORMAL;
  }
}
