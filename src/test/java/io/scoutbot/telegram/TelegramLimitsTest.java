package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.config.Secret;
import io.scoutbot.config.TelegramConfig;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TelegramLimitsTest {

  private static TelegramLimits limits(boolean local, long uploadMb) {
    return TelegramLimits.of(new TelegramConfig(Secret.of("1:x"), Set.of(),
        URI.create(local ? "http://127.0.0.1:8081" : "https://api.telegram.org"), uploadMb << 20,
        local));
  }

  @ParameterizedTest(name = "local={0}, limit {1} MB: send {2} bytes -> {3}, fetch -> {4}")
  @CsvSource({
      "false, 50, 52428800, true, false",
      "false, 50, 52428801, false, false",
      "false, 50, 20971520, true, true",
      "false, 50, 20971521, true, false",
      "false, 10, 10485761, false, true",
      "true, 2000, 2097152000, true, true",
      "true, 2000, 2097152001, false, true",
      "true, 2000, 9000000000, false, true"})
  void whatFits_dependsOnTheServer(boolean local, long uploadMb, long size, boolean send,
      boolean fetch) {
    TelegramLimits l = limits(local, uploadMb);

    assertThat(l.canSend(size)).isEqualTo(send);
    assertThat(l.canFetch(size)).isEqualTo(fetch);
  }

  @Test
  void aRefusedSend_onTheCloud_offersTheCliAndASelfHostedServer() {
    assertThatThrownBy(() -> limits(false, 50).checkSend("film.mkv", 70L << 20, "QWE123"))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).isEqualTo("film.mkv is 70.0 MiB, more than the 50.0 MiB the "
              + "bot may send in a chat (TELEGRAM_UPLOAD_LIMIT_MB). Get it with the CLI on the "
              + "server: ./scoutbot download QWE123; or run a self-hosted Bot API server "
              + "(telegram-bot-api --local, with TELEGRAM_API_BASE_URL pointing at it and "
              + "TELEGRAM_LOCAL_API=true), which sends files up to 2000 MB.");
        });
  }

  @Test
  void aRefusedSend_onALocalServer_offersTheCliOnly() {
    assertThatThrownBy(() -> limits(true, 2000).checkSend("disk.img", 3L << 30, null))
        .hasMessageEndingWith("./scoutbot download CODE.");
  }

  @Test
  void aRefusedFetch_explainsThe20MbLimit() {
    assertThatThrownBy(() -> limits(false, 50).checkFetch("big.zip", 25L << 20))
        .hasMessageStartingWith("big.zip is 25.0 MiB; the cloud Telegram Bot API lets bots "
            + "download files of up to 20 MB")
        .hasMessageContaining("telegram-bot-api --local");
    assertThatCode(() -> limits(true, 2000).checkFetch("big.zip", 25L << 30))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0} bytes -> {1}")
  @CsvSource({"0, 0 bytes", "1023, 1023 bytes", "1024, 1.0 KiB", "1572864, 1.5 MiB",
      "2147483648, 2.0 GiB"})
  void sizes_readForPeople(long bytes, String shown) {
    assertThat(TelegramLimits.size(bytes)).isEqualTo(shown);
  }
}
