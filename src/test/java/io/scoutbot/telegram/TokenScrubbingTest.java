package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.scoutbot.fetch.FetchProgress;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every Bot API URL carries the token, so every failure path is checked: the message, the whole
 * printed cause chain and everything logged must not contain it, not even in part.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenScrubbingTest {

  private static final long DAVE = 31337;

  @TempDir Path dir;
  private TelegramFixture f;
  private ListAppender<ILoggingEvent> logged;
  private Logger root;

  @BeforeEach
  void start() throws Exception {
    f = TelegramFixture.start(dir, FakeBotApi.Mode.CLOUD);
    f.fake.chat(DAVE, "Dave");
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logged);
    f.close();
  }

  @Test
  void aRefusedToken_saysBotTokenIsNotValid_withoutTheToken() throws Exception {
    String wrong = "987654321:AAsecretsecretsecretsecretsecretsec";
    try (BotApi api = f.apiWithToken(wrong)) {
      Throwable t = catchThrowable(() -> Messages.over(api).send(DAVE, Html.text("x"),
          Keyboard.NONE));

      assertThat(t.getMessage()).startsWith("BOT_TOKEN is not valid");
      assertClean(t, wrong);
    }
  }

  @Test
  void anUnreachableServer_isARetry_withoutTheToken() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (BotApi api = BotApi.open(TelegramFixture.config(URI.create("http://127.0.0.1:"
        + closedPort), f.fake.token(), false, 50L << 20), f.sleeper)) {
      Throwable t = catchThrowable(() -> Messages.over(api).send(DAVE, Html.text("x"),
          Keyboard.NONE));

      assertThat(t.getMessage()).contains("cannot reach the Telegram Bot API at http://127.0.0.1:"
          + closedPort);
      assertClean(t, f.fake.token());
    }
  }

  @Test
  void proxyPagesAndServerErrors_carryNoToken() {
    f.fake.failNext("sendmessage", 502, "text/html",
        "<html>upstream /bot" + f.fake.token() + "/sendMessage failed</html>");
    f.fake.failNext("getme", 500, "application/json",
        "{\"ok\":false,\"error_code\":500,\"description\":\"Internal error at /bot"
            + f.fake.token() + "/getMe\"}");

    Throwable proxy = catchThrowable(() -> Messages.over(f.api).send(DAVE, Html.text("x"),
        Keyboard.NONE));
    Throwable server = catchThrowable(() -> Updates.longPolling(f.api, Duration.ofSeconds(1))
        .start(List.of(), in -> {}));

    assertClean(proxy, f.fake.token());
    assertClean(server, f.fake.token());
    assertThat(server.getMessage()).contains("Internal error at /bot***/getMe");
  }

  @Test
  void aBrokenDownload_carriesNoToken() throws Exception {
    FakeBotApi.FakeFile file =
        f.fake.addFile(TelegramFixture.sparse(dir, "a.bin", 3L << 20), "a.bin", null);
    f.fake.dropDownloadsAfter(1L << 20);
    Path work = Files.createDirectories(dir.resolve("job"));

    Throwable t = catchThrowable(() -> new TelegramFileFetcher(f.api,
        new MemoryBudget(4 << 20, 4 << 20), 1 << 20).fetch(new FetchRequest(1,
            new JobSource.TelegramFile(file.fileId()), "a.bin", work, 1L << 30,
            FetchProgress.NONE)));

    assertThat(t).isNotNull();
    assertClean(t, f.fake.token());
  }

  @Test
  void pollingWithATokenThatStopsWorking_logsItOnce_withoutTheToken() throws Exception {
    try (Updates updates = Updates.longPolling(f.api, Duration.ofSeconds(1))) {
      updates.start(List.of(), in -> {});
      f.fake.failNext("getupdates", 401, "application/json",
          "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
          logged.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR
              && e.getFormattedMessage().startsWith("BOT_TOKEN is not valid")));
    }
    assertLogsClean(f.fake.token());
  }

  private void assertClean(Throwable t, String token) {
    assertThat(t).isNotNull();
    StringWriter printed = new StringWriter();
    t.printStackTrace(new PrintWriter(printed));
    for (String part : List.of(token, token.substring(token.indexOf(':') + 1))) {
      assertThat(printed.toString()).doesNotContain(part);
    }
    assertLogsClean(token);
  }

  private void assertLogsClean(String token) {
    String secret = token.substring(token.indexOf(':') + 1);
    for (ILoggingEvent e : List.copyOf(logged.list)) {
      assertThat(e.getFormattedMessage()).doesNotContain(secret);
      if (e.getThrowableProxy() != null) {
        assertThat(ThrowableProxyUtil.asString(e.getThrowableProxy())).doesNotContain(secret);
      }
    }
  }
}
