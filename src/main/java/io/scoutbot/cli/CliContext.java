package io.scoutbot.cli;

import io.scoutbot.files.FileDesk;
import java.time.InstantSource;

/**
 * What the commands need from the running application, provided by the composition root. Built
 * lazily, so {@code --help} works even with a broken configuration.
 */
public interface CliContext {

  /** The facade: files, jobs, events and the status report. */
  FileDesk files();

  /** The clock commands read the time from (a test's manual clock). */
  default InstantSource clock() {
    return InstantSource.system();
  }

  /** Starts every component and blocks until the process is asked to stop. */
  void serve() throws InterruptedException;
}
