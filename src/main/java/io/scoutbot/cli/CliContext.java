package io.scoutbot.cli;

import io.scoutbot.files.FileDesk;
import java.util.Map;

/**
 * What the commands need from the running application, provided by the composition root. Built
 * lazily, so {@code --help} works even with a broken configuration.
 */
public interface CliContext {

  /** The file facade. */
  FileDesk files();

  /**
   * The status document: nested maps of plain values (database, storage, resources, ...), in display
   * order, with snake_case keys.
   */
  Map<String, Object> status();

  /** Starts every component and blocks until the process is asked to stop. */
  void serve() throws InterruptedException;
}
