package io.scoutbot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr is a terminal, so progress bars are drawn only where a person watches. Checked on
 * stderr itself: {@code System.console()} is non-null on recent JDKs even when output is
 * redirected. Stateless.
 */
final class Terminal {

  private Terminal() {}

  /** True when file descriptor 2 is a terminal device (Linux: {@code /proc/self/fd/2}). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // no /proc (not Linux): no bar rather than escape codes in a log file
    }
  }
}
