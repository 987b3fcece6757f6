package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * What log lines look like in each LOG_FORMAT. Uses its own LoggerContext, so the logging of other
 * tests is left alone.
 */
class LoggingSetupTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Logger logger(boolean json) {
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new LogbackMDCAdapter());
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(ctx);
    appender.setEncoder(LoggingSetup.encoder(ctx, json));
    appender.setOutputStream(out);
    appender.start();
    Logger logger = ctx.getLogger("io.scoutbot.Example");
    logger.addAppender(appender);
    return logger;
  }

  private List<JsonNode> jsonLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void json_writesOneObjectPerLineWithTheMessageFormatted() throws IOException {
    logger(true).info("x {} y", 5);

    List<JsonNode> lines = jsonLines();
    assertThat(lines).hasSize(1);
    JsonNode line = lines.get(0);
    assertThat(line.get("message").asText()).isEqualTo("x 5 y");
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("logger").asText()).isEqualTo("io.scoutbot.Example");
    assertThat(line.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(line.get("timestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  }

  @Test
  void json_carriesNoRawPatternArgumentsOrContextBlocks() throws IOException {
    logger(true).info("Memory budget: peak {} of {} bytes", 10, 20);

    JsonNode line = jsonLines().get(0);
    assertThat(line.get("message").asText()).isEqualTo("Memory budget: peak 10 of 20 bytes");
    List<String> fields = new ArrayList<>();
    line.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("timestamp", "level", "logger", "thread", "message");
  }

  @Test
  void json_addsTheStackTraceAsExceptionOnlyWhenOneIsLogged() throws IOException {
    Logger logger = logger(true);
    logger.warn("upload failed", new IOException("disk full", new IllegalStateException("root")));
    logger.info("quoted \"name\"\nand a newline");

    List<JsonNode> lines = jsonLines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("exception").asText())
        .startsWith("java.io.IOException: disk full")
        .contains("Caused by: java.lang.IllegalStateException: root");
    assertThat(lines.get(1).has("exception")).isFalse();
    assertThat(lines.get(1).get("message").asText()).isEqualTo("quoted \"name\"\nand a newline");
  }

  @Test
  void text_writesTheFormattedMessageOnAPlainLine() {
    logger(false).info("x {} y", 5);

    assertThat(out.toString(StandardCharsets.UTF_8))
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}"
            + " INFO  \\[.*\\] Example - x 5 y\n");
  }

  @Test
  void bootstrap_isFoundByLogbackAsAService() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
        .containsExactly(LoggingBootstrap.class);
  }

  @Test
  void bootstrap_writesWarningsAndErrorsToStderrAsTextLines_andStopsLogbacksOwnLookup() {
    LoggerContext ctx = new LoggerContext();
    LoggingBootstrap bootstrap = new LoggingBootstrap();
    bootstrap.setContext(ctx);

    assertThat(bootstrap.configure(ctx))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    List<String> appenders = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(a -> appenders.add(a.getName()));
    assertThat(appenders).containsExactly("stderr");
    ConsoleAppender<ILoggingEvent> stderr =
        (ConsoleAppender<ILoggingEvent>) root.getAppender("stderr");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern())
        .isEqualTo("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
  }
}
