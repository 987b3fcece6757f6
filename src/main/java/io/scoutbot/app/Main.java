package io.scoutbot.app;

import io.scoutbot.cli.RootCommand;
import io.scoutbot.config.ConfigLoader;
import io.scoutbot.config.ScoutConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;

/**
 * The process entry point: parses the command line, loads the configuration when a command needs it,
 * runs the command and exits with its code. Runs on the main thread.
 */
public final class Main {

  /** How long an interrupted one-shot command may take to release its work before the JVM exits. */
  private static final Duration UNWIND = Duration.ofSeconds(10);

  private Main() {}

  public static void main(String[] args) {
    CountDownLatch finished = new CountDownLatch(1);
    if (!(args.length > 0 && args[0].equals("serve"))) {
      interruptOnShutdown(Thread.currentThread(), finished);
    }
    int code = run(args, System.getenv(), Path.of("").toAbsolutePath(),
        new PrintWriter(System.out, true, System.out.charset()),
        new PrintWriter(System.err, true, System.err.charset()));
    finished.countDown();
    System.exit(code);
  }

  /**
   * On Ctrl-C or SIGTERM, a one-shot command is interrupted and given a few seconds to unwind, so
   * that its uploads go back to the queue (instead of waiting out a dead worker's lease) and a
   * partial download is deleted. {@code serve} has its own lifecycle hook.
   */
  private static void interruptOnShutdown(Thread command, CountDownLatch finished) {
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("scoutbot-interrupt").unstarted(
        () -> {
          if (finished.getCount() == 0) {
            return; // the command ended by itself and is exiting
          }
          command.interrupt();
          try {
            finished.await(UNWIND.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
  }

  /** Runs one command line to completion and returns its exit code; used by tests too. */
  static int run(String[] args, Map<String, String> env, Path workDir, PrintWriter out,
      PrintWriter err) {
    AtomicReference<Application> app = new AtomicReference<>();
    boolean serving = args.length > 0 && args[0].equals("serve");
    RootCommand root =
        new RootCommand(
            verbosity -> {
              ScoutConfig config = ConfigLoader.load(env, workDir);
              LoggingSetup.configure(config.log(), verbosity);
              Application a = new Application(config, serving, env);
              a.logEffectiveConfig();
              app.set(a);
              return a;
            },
            out,
            err);
    try {
      return RootCommand.commandLine(root, args).execute(args);
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
