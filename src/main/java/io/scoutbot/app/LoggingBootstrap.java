package io.scoutbot.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration from its start until {@link LoggingSetup} applies LOG_LEVEL and
 * LOG_FORMAT, and in tests that never load a configuration: warnings and errors to stderr as text
 * lines. Logback finds it as a service (META-INF/services) and runs it once, on the thread that
 * first asks for a logger. It replaces a logback.xml, whose lookup and XML parsing took about a
 * tenth of a second of every command's start (docs/BENCHMARKS.md).
 */
public final class LoggingBootstrap extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(LoggingSetup.stderr(context, LoggingSetup.encoder(context, false)));
    root.setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
