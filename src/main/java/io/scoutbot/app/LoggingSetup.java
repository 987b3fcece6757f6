package io.scoutbot.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.scoutbot.cli.Verbosity;
import io.scoutbot.config.LogConfig;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from {@link LogConfig}: everything to stderr (stdout belongs to command output),
 * human-readable lines or JSON lines, the root level from LOG_LEVEL, chatty libraries kept at WARN.
 * Called once, before any component is built.
 */
final class LoggingSetup {

  private static final String[] QUIET = {
    "com.zaxxer.hikari", "org.flywaydb", "org.apache.hc", "oshi", "org.sqlite"
  };

  private LoggingSetup() {}

  static void configure(LogConfig config) {
    configure(config, Verbosity.NORMAL);
  }

  /**
   * As {@link #configure(LogConfig)}, with a command's {@code --quiet} (from WARN up, whatever
   * LOG_LEVEL says) or {@code --verbose} (from DEBUG up).
   */
  static void configure(LogConfig config, Verbosity verbosity) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr(ctx, encoder(ctx, config.json())));
    Level level = Level.toLevel(config.level(), Level.INFO);
    if (verbosity == Verbosity.QUIET && !level.isGreaterOrEqual(Level.WARN)) {
      level = Level.WARN;
    } else if (verbosity == Verbosity.VERBOSE && level.isGreaterOrEqual(Level.DEBUG)) {
      level = Level.DEBUG;
    }
    root.setLevel(level);
    Level quiet = root.getLevel().isGreaterOrEqual(Level.WARN) ? root.getLevel() : Level.WARN;
    for (String name : QUIET) {
      ctx.getLogger(name).setLevel(quiet);
    }
    // its warnings during a database outage point at the wrong cause ("consider a shorter
    // maxLifetime"); the database's own watcher says what happened, once, and when it is over
    Level poolErrors = root.getLevel().isGreaterOrEqual(Level.ERROR) ? root.getLevel()
        : Level.ERROR;
    ctx.getLogger("com.zaxxer.hikari.pool").setLevel(poolErrors);
  }

  /** The started appender that writes log lines to stderr (stdout belongs to command output). */
  static ConsoleAppender<ILoggingEvent> stderr(LoggerContext ctx, Encoder<ILoggingEvent> encoder) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    return console;
  }

  /** The started encoder for LOG_FORMAT: JSON lines ({@link JsonLineEncoder}) or text lines. */
  static Encoder<ILoggingEvent> encoder(LoggerContext ctx, boolean json) {
    if (json) {
      JsonLineEncoder lines = new JsonLineEncoder();
      lines.setContext(ctx);
      lines.start();
      return lines;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(ctx);
    text.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
    text.start();
    return text;
  }
}
