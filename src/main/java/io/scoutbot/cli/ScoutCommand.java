package io.scoutbot.cli;

import io.scoutbot.config.ConfigException;
import io.scoutbot.retry.ScoutFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * Base of every subcommand: common options, lazy access to the application, and the one mapping of
 * failures to exit codes (0 success, 1 operation failed, 2 usage or configuration error).
 */
abstract class ScoutCommand implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final Logger log = LoggerFactory.getLogger(ScoutCommand.class);

  @ParentCommand RootCommand root;

  @Mixin CommonOptions options;

  /**
   * Whether to draw a progress bar: stderr is a terminal and neither {@code --json} nor {@code
   * --quiet} was given.
   */
  boolean showsProgress(Output out) {
    return !out.json() && options.verbosity() != Verbosity.QUIET && Terminal.stderrIsTerminal();
  }

  /** Runs the command; a thrown {@link ScoutFailure} becomes exit code 1 with its message. */
  abstract int run(CliContext ctx, Output out) throws Exception;

  @Override
  public final Integer call() {
    Output out = new Output(root.out(), root.err(), options.json);
    try {
      CliContext ctx = root.context(options.verbosity());
      return run(ctx, out);
    } catch (ConfigException e) {
      for (String p : e.problems()) {
        root.err().println("configuration error: " + p);
      }
      root.err().flush();
      if (options.json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", "bad configuration");
        doc.put("problems", e.problems());
        doc.put("exit_code", USAGE);
        out.document(doc);
      }
      return USAGE;
    } catch (ScoutFailure e) {
      out.error(e.getMessage(), FAILED);
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.error("interrupted; uploads that did not finish stay queued ('scoutbot queue' shows"
          + " them, 'scoutbot serve' finishes them)", FAILED);
      return FAILED;
    } catch (Exception e) {
      log.debug("unexpected failure", e);
      out.error("unexpected error: " + e, FAILED);
      return FAILED;
    }
  }
}
