package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.retry.Disposition;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telegram.telegrambots.meta.api.objects.ResponseParameters;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FailuresTest {

  private static final String TOKEN = "1234567:AAtokentokentokentokentokentoke";
  private final Failures failures = new Failures("https://api.telegram.org", new Redactor(TOKEN));

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "400|Bad Request: file is too big|PERMANENT|up to 20 MB",
      "400|Bad Request: chat not found|PERMANENT|Telegram refused sending a message",
      "400|Bad Request: message is not modified: specified new message content|PERMANENT|"
          + "not modified",
      "401|Unauthorized|PERMANENT|BOT_TOKEN is not valid",
      "404|Not Found|PERMANENT|BOT_TOKEN is not valid",
      "403|Forbidden: bot was blocked by the user|PERMANENT|blocked the bot",
      "403|Forbidden: bot is not a member of the channel chat|PERMANENT|not a member",
      "413|Request Entity Too Large|PERMANENT|TELEGRAM_UPLOAD_LIMIT_MB",
      "409|Conflict: terminated by other getUpdates request|PERMANENT|Conflict",
      "500|Internal Server Error|RETRY|will be tried again",
      "502|Bad Gateway|RETRY|will be tried again",
      "429|Too Many Requests|RETRY|slow down"})
  void jsonErrorAnswers_areClassifiedOnce(int code, String description, Disposition.Kind kind,
      String says) {
    BotApiFailure f = failures.answer("sendmessage", code, description, null, null);

    assertThat(f.disposition().kind()).isEqualTo(kind);
    assertThat(f.getMessage()).contains(says);
    assertThat(f.errorCode()).isEqualTo(code);
  }

  @Test
  void a429WithRetryAfter_isRetryAfterThatLong() {
    ResponseParameters p = new ResponseParameters();
    p.setRetryAfter(17);

    BotApiFailure f = failures.answer("senddocument", 429, "Too Many Requests: retry after 17", p,
        null);

    assertThat(f.disposition()).isEqualTo(Disposition.retryAfter(Duration.ofSeconds(17)));
    assertThat(f.getMessage()).contains("wait 17 s", "sending a file");
  }

  @Test
  void aMigratedGroup_isPermanent_namingTheNewChat() {
    ResponseParameters p = new ResponseParameters();
    p.setMigrateToChatId(-1001234567890L);

    BotApiFailure f = failures.answer("sendmessage", 400,
        "Bad Request: group chat was upgraded to a supergroup chat", p, null);

    assertThat(f.disposition()).isEqualTo(Disposition.PERMANENT);
    assertThat(f.getMessage()).contains("-1001234567890");
  }

  @ParameterizedTest(name = "HTTP {0} without JSON -> {1}")
  @CsvSource({"401, PERMANENT", "404, PERMANENT", "413, PERMANENT", "429, RETRY", "500, RETRY",
      "502, RETRY", "503, RETRY", "504, RETRY", "200, PERMANENT", "302, PERMANENT"})
  void answersThatAreNotJson_areClassifiedByStatus(int status, Disposition.Kind kind) {
    BotApiFailure f = failures.of("getme", status, new IOException("Unable to deserialize"));

    assertThat(f.disposition().kind()).isEqualTo(kind);
    assertThat(f.errorCode()).isEqualTo(status);
  }

  @Test
  void connectionFaults_areRetries_sayingWhatToCheck() {
    assertThat(failures.of("getme", 0, new ConnectException("Connection refused")).getMessage())
        .contains("cannot reach", "TELEGRAM_API_BASE_URL");
    assertThat(failures.of("getme", 0, new UnknownHostException("api.telegram.org"))
        .disposition()).isEqualTo(Disposition.RETRY);
    assertThat(failures.of("senddocument", 0, new SocketTimeoutException("timeout"))
        .getMessage()).contains("stopped answering while sending a file");
    assertThat(failures.of("senddocument", 0, new IOException("unexpected end of stream"))
        .getMessage()).contains("broke while sending a file");
  }

  @Test
  void descriptionsAndCauses_loseTheToken() {
    BotApiFailure f = failures.of("getme", 0,
        new IOException("failed: https://api.telegram.org/bot" + TOKEN + "/getMe"));

    assertThat(f.getMessage()).doesNotContain(TOKEN).contains("/bot***/getMe");
    assertThat(f.getCause().getMessage()).doesNotContain(TOKEN)
        .startsWith("java.io.IOException: failed: https://api.telegram.org/bot***/getMe");
  }

  @Test
  void aFileLinkThatExpired_isARetry_forANewLink() {
    assertThat(failures.download(404).disposition()).isEqualTo(Disposition.RETRY);
    assertThat(failures.download(404).getMessage()).contains("new link");
  }
}
