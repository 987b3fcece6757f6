package io.scoutbot.app;

import io.scoutbot.cli.RootCommand;
import io.scoutbot.config.ConfigLoader;
import io.scoutbot.config.ScoutConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;

/**
 * The process entry point: parses the command line, loads the configuration when a command needs it,
 * runs the command and exits with its code. Runs on the main thread.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.getenv(), Path.of("").toAbsolutePath(),
        new PrintWriter(System.out, true, System.out.charset()),
        new PrintWriter(System.err, true, System.err.charset()));
    System.exit(code);
  }

  /** Runs one command line to completion and returns its exit code; used by tests too. */
  static int run(String[] args, Map<String, String> env, Path workDir, PrintWriter out,
      PrintWriter err) {
    AtomicReference<Application> app = new AtomicReference<>();
    boolean serving = args.length > 0 && args[0].equals("serve");
    RootCommand root =
        new RootCommand(
            () -> {
              ScoutConfig config = ConfigLoader.load(env, workDir);
              LoggingSetup.configure(config.log());
              Application a = new Application(config);
              a.logEffectiveConfig(serving);
              app.set(a);
              return a;
            },
            out,
            err);
    try {
      return RootCommand.commandLine(root).execute(args);
    } finally {
      Application a = app.get();
      if (a != null) {
        a.close();
      }
      out.flush();
      err.flush();
    }
  }
}
