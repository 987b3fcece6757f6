package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TelegramSettingsTest {

  @TempDir Path work;

  private TelegramConfig load(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return ConfigLoader.fromMap(m, work).telegram();
  }

  @Test
  void defaults_areTheCloudBotApiAndItsLimits_andNoBot() {
    TelegramConfig c = load();

    assertThat(c.apiBaseUrl()).isEqualTo(URI.create("https://api.telegram.org"));
    assertThat(c.localApi()).isFalse();
    assertThat(c.uploadLimitBytes()).isEqualTo(50L << 20);
    assertThat(c.enabled()).isFalse();
  }

  @Test
  void aLocalServer_raisesTheDefaultUploadLimitTo2000Mb() {
    TelegramConfig c = load("TELEGRAM_API_BASE_URL", "http://telegram-bot-api:8081",
        "TELEGRAM_LOCAL_API", "true", "BOT_TOKEN", "1:abc");

    assertThat(c.localApi()).isTrue();
    assertThat(c.uploadLimitBytes()).isEqualTo(2000L << 20);
    assertThat(c.enabled()).isTrue();
  }

  @Test
  void aLocalServer_takesALowerUploadLimit() {
    assertThat(load("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081", "TELEGRAM_LOCAL_API",
        "true", "TELEGRAM_UPLOAD_LIMIT_MB", "500").uploadLimitBytes()).isEqualTo(500L << 20);
  }

  @Test
  void aBaseUrlWithATrailingSlash_isAccepted() {
    assertThat(load("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/").apiBaseUrl().getPort())
        .isEqualTo(8081);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "TELEGRAM_API_BASE_URL=https://example.com/telegram|TELEGRAM_API_BASE_URL="
          + "https://example.com/telegram is not valid: expected scheme, host and port only",
      "TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot|cannot add a path",
      "TELEGRAM_API_BASE_URL=http://127.0.0.1:8081?x=1|scheme, host and port only",
      "TELEGRAM_UPLOAD_LIMIT_MB=51|TELEGRAM_UPLOAD_LIMIT_MB=51 is not valid: expected a whole "
          + "number of MB from 1 to 50 (the most the cloud Bot API accepts",
      "TELEGRAM_UPLOAD_LIMIT_MB=0|from 1 to 50",
      "TELEGRAM_LOCAL_API=yes please|TELEGRAM_LOCAL_API=yes please is not valid: expected true "
          + "or false",
      "TELEGRAM_LOCAL_API=true|TELEGRAM_LOCAL_API=true is not valid: api.telegram.org is the "
          + "cloud Bot API"})
  void badSettings_stopStartupWithOneLineNamingThem(String setting, String says) {
    String[] kv = setting.split("=", 2);

    assertThatThrownBy(() -> load(kv[0], kv[1]))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).hasSize(1);
          assertThat(e.problems().get(0)).contains(says).doesNotContain("\n");
        });
  }

  @Test
  void aLocalServerLimitAbove2000_isRefused() {
    assertThatThrownBy(() -> load("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081",
        "TELEGRAM_LOCAL_API", "true", "TELEGRAM_UPLOAD_LIMIT_MB", "2001"))
        .hasMessageContaining("from 1 to 2000");
  }

  @Test
  void theEffectiveConfiguration_showsTheNewSetting_andMasksTheToken() {
    Map<String, String> effective = ConfigLoader.fromMap(Map.of("BOT_TOKEN", "1:secret",
        "TELEGRAM_LOCAL_API", "false"), work).effective();

    assertThat(effective).containsEntry("TELEGRAM_LOCAL_API", "false")
        .containsEntry("BOT_TOKEN", "***");
  }
}
