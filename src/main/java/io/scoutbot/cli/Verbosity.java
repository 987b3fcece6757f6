package io.scoutbot.cli;

/** How much a command says besides its result: {@code --quiet}, normal, or {@code --verbose}. */
public enum Verbosity {
  /** Results and errors only: no progress bar, no notices, log lines from WARN up. */
  QUIET,
  /** Results, errors, notices and a progress bar on a terminal; log lines from LOG_LEVEL. */
  NORMAL,
  /** Everything, with log lines from DEBUG. */
  VERBOSE
}
