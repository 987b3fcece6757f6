package io.scoutbot.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what one class logs (DEBUG and up) while open, so tests assert exact log lines. Close it
 * to detach. Thread-safe for appending; read after the logging threads are done.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final Level previous;
  private final boolean additive;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> type) {
    this.logger = (Logger) LoggerFactory.getLogger(type);
    this.previous = logger.getLevel();
    this.additive = logger.isAdditive();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false); // captured lines are asserted, not printed into the build log
  }

  public static LogCapture of(Class<?> type) {
    return new LogCapture(type);
  }

  /** Formatted messages, oldest first. */
  public List<String> messages() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** Formatted messages logged at exactly {@code level}. */
  public List<String> messages(Level level) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /** The thread that logged {@code message} first; null if it was never logged. */
  public String threadOf(String message) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getFormattedMessage().equals(message))
          .map(ILoggingEvent::getThreadName)
          .findFirst()
          .orElse(null);
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
    logger.setAdditive(additive);
  }
}
