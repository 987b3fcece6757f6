package io.scoutbot.safety;

import io.scoutbot.config.SafetyConfig;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.nio.file.Path;

/**
 * Decides whether a file may be stored: one check after the file is complete on local disk, the
 * same for every source (a URL, a local upload, a file sent to the bot). Implementations are
 * thread-safe; a check reads the file's head and, for zip archives, their table of contents, never
 * the whole file, with buffers from the memory budget.
 *
 * <p>A refusal is final: the file's own nature decides it, so retrying cannot help.
 */
@FunctionalInterface
public interface FilePolicy {

  /**
   * Checks the file stored under {@code name} (cleaned with {@link FileNames#sanitise} first, as
   * it will be stored).
   *
   * @throws ScoutFailure (retry) if the file cannot be read
   * @throws InterruptedException if interrupted while waiting for a buffer
   */
  Verdict check(String name, Path file) throws InterruptedException;

  /**
   * Checks the file and throws a permanent {@link ScoutFailure} with the refusal's message when it
   * is refused.
   */
  default void requireAllowed(String name, Path file) throws InterruptedException {
    if (check(name, file) instanceof Verdict.Refused r) {
      throw new ScoutFailure(r.message(), Disposition.PERMANENT);
    }
  }

  /** The standard policy: blocked extensions, and with {@code checkContent} sniffing and zips. */
  static FilePolicy standard(SafetyConfig config, MemoryBudget budget) {
    return new StandardPolicy(config, budget);
  }

  /** Allows everything (tests, or an operator who turned every rule off). */
  static FilePolicy allowAll() {
    return (name, file) -> Verdict.ALLOWED;
  }
}
