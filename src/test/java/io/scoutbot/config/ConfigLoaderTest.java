package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

  @TempDir Path work;

  private ScoutConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, work);
  }

  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void load_withNothingSet_usesTheSeedDefaults() {
    ScoutConfig c = load(Map.of());

    ResourceConfig r = c.resource();
    assertThat(r.monitoringEnabled()).isTrue();
    assertThat(r.monitoringInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.cpuThreshold()).isEqualTo(80.0);
    assertThat(r.memoryThreshold()).isEqualTo(80.0);
    assertThat(r.maxMemoryBytes()).isEqualTo(500L << 20);
    assertThat(r.streamingChunkSize()).isEqualTo(1_048_576);
    assertThat(r.gcAfterUpload()).isTrue();
    assertThat(r.sampleInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.streamingThresholdBytes()).isEqualTo(10L << 20);
    assertThat(r.throttleMaxWait()).isEqualTo(Duration.ofSeconds(300));
    assertThat(r.throttlePoll()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.pentaract().enabled()).isFalse();
    assertThat(c.pentaract().maxConcurrentUploads()).isEqualTo(3);
    assertThat(c.pentaract().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.pentaract().retryAttempts()).isEqualTo(3);
    assertThat(c.pentaract().uploadThresholdBytes()).isEqualTo(50L << 20);
    assertThat(c.dataDir()).isEqualTo(work.resolve("data"));
    assertThat(c.tempDir()).isEqualTo(work.resolve("data/tmp"));
    assertThat(c.databaseUrl()).isEqualTo("jdbc:sqlite:" + work.resolve("data/scoutbot.db"));
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.log().level()).isEqualTo("info");
    assertThat(c.log().json()).isFalse();
  }

  @Test
  void load_readsDotEnv_andTheEnvironmentWins() throws IOException {
    Files.writeString(work.resolve(".env"), """
        # comment
        RESOURCE_CPU_THRESHOLD=70
        export RESOURCE_MEMORY_THRESHOLD="65.5"
        PENTARACT_STORAGE='My Storage' \s
        LOG_LEVEL=debug # trailing comment
        """);

    ScoutConfig c = load(env("RESOURCE_CPU_THRESHOLD", "90"));

    assertThat(c.resource().cpuThreshold()).isEqualTo(90.0);
    assertThat(c.resource().memoryThreshold()).isEqualTo(65.5);
    assertThat(c.pentaract().storage()).isEqualTo("My Storage");
    assertThat(c.log().level()).isEqualTo("debug");
  }

  @Test
  void load_malformedDotEnvLine_namesFileAndLine() throws IOException {
    Files.writeString(work.resolve(".env"), "GOOD=1\nthis line has no equals sign\n");

    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(".env:2")
        .hasMessageContaining("expected KEY=value");
  }

  @Test
  void load_malformedDotEnvLine_showsOnlyItsFirstWord_becauseTheRestMayBeAPassword()
      throws IOException {
    Files.writeString(work.resolve(".env"), "PENTARACT_PASSWORD hunter2\n");

    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("found 'PENTARACT_PASSWORD …'")
        .hasMessageNotContaining("hunter2");
  }

  @ParameterizedTest(name = "{0}={1} is rejected")
  @CsvSource(
      delimiter = '|',
      value = {
        "RESOURCE_CPU_THRESHOLD|abc|percentage greater than 0 and at most 100",
        "RESOURCE_CPU_THRESHOLD|0|percentage greater than 0 and at most 100",
        "RESOURCE_CPU_THRESHOLD|100.5|percentage greater than 0 and at most 100",
        "RESOURCE_MEMORY_THRESHOLD|-5|percentage greater than 0 and at most 100",
        "RESOURCE_DISK_THRESHOLD|NaN|percentage greater than 0 and at most 100",
        "RESOURCE_MONITORING_INTERVAL|0|whole number of minutes from 1",
        "RESOURCE_MONITORING_INTERVAL|-3|whole number of minutes from 1",
        "RESOURCE_MONITORING_INTERVAL|ten|whole number of minutes from 1",
        "RESOURCE_SAMPLE_SECONDS|0|whole number of seconds from 1",
        "RESOURCE_THROTTLE_POLL_SECONDS|-1|whole number of seconds from 1",
        "RESOURCE_THROTTLE_MAX_WAIT_SECONDS|0|whole number of seconds from 1",
        "RESOURCE_MAX_MEMORY_MB|0|whole number from 1",
        "RESOURCE_MAX_MEMORY_MB|lots|whole number from 1",
        "RESOURCE_STREAMING_CHUNK_SIZE|4095|from 4096 (4 KiB) to RESOURCE_MAX_MEMORY_MB",
        "RESOURCE_STREAMING_CHUNK_SIZE|1MB|from 4096 (4 KiB) to RESOURCE_MAX_MEMORY_MB",
        "RESOURCE_GC_AFTER_UPLOAD|maybe|expected true or false",
        "RESOURCE_MONITORING_ENABLED|2|expected true or false",
        "RESOURCE_RECOVERY_MARGIN|100|percentage points",
        "PENTARACT_API_URL|not a url|absolute http:// or https:// URL",
        "PENTARACT_API_URL|ftp://host/api|absolute http:// or https:// URL",
        "PENTARACT_API_URL|localhost:8000/api|absolute http:// or https:// URL",
        "PENTARACT_TIMEOUT|0|whole number of seconds from 1",
        "PENTARACT_CLEANUP_INTERVAL|-30|whole number of minutes from 1",
        "PENTARACT_MAX_CONCURRENT_UPLOADS|0|whole number from 1",
        "PENTARACT_RETRY_ATTEMPTS|x|whole number from 1",
        "PENTARACT_CHAT_ID|1001234567890|negative Telegram channel id without the -100 prefix",
        "PENTARACT_CHAT_ID|-1001234567890|for channel -1001234567890 enter -1234567890",
        "TELEGRAM_API_BASE_URL|api.telegram.org|absolute http:// or https:// URL",
        "ALLOWED_USER_ID|12,abc|comma-separated numeric Telegram user ids",
        "DATABASE_URL|mysql://x|expected jdbc:sqlite:<file> or jdbc:postgresql",
        "HTTP_ADDR|8080|expected host:port",
        "HTTP_ADDR|127.0.0.1:99999|expected host:port",
        "HTTP_ADDR|0.0.0.0:8080|needs HTTP_TOKEN",
        "LOG_LEVEL|loud|expected one of trace, debug, info, warn, error, off",
        "LOG_FORMAT|xml|expected text or json",
        "QUEUE_LEASE_SECONDS|0|whole number of seconds from 15",
        "QUEUE_LEASE_SECONDS|14|whole number of seconds from 15",
        "DOWNLOAD_MAX_MB|0|whole number from 1"
      })
  void load_badValue_isRejectedWithOneLineNamingVariableValueAndAllowed(
      String name, String value, String allowed) {
    assertThatThrownBy(() -> load(env(name, value)))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).hasSize(1);
          String line = e.problems().get(0);
          assertThat(line).startsWith(name + "=" + value).contains(allowed).doesNotContain("\n");
        });
  }

  @Test
  void load_chunkSizeAboveMaxMemory_isRejected() {
    assertThatThrownBy(
            () -> load(env("RESOURCE_MAX_MEMORY_MB", "1", "RESOURCE_STREAMING_CHUNK_SIZE",
                "2097152")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RESOURCE_STREAMING_CHUNK_SIZE=2097152")
        .hasMessageContaining("1048576 bytes");
  }

  @Test
  void load_memoryBudgetSmallerThanOneChunk_isRejected() {
    assertThatThrownBy(
            () -> load(env("RESOURCE_MEMORY_BUDGET_MB", "1", "RESOURCE_STREAMING_CHUNK_SIZE",
                "2097152")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RESOURCE_MEMORY_BUDGET_MB=1 is not valid")
        .hasMessageContaining("2097152 bytes");
  }

  @Test
  void load_severalBadValues_reportsEveryOne() {
    assertThatThrownBy(
            () -> load(env("RESOURCE_CPU_THRESHOLD", "x", "PENTARACT_TIMEOUT", "0", "LOG_FORMAT",
                "xml")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.problems()).hasSize(3));
  }

  @Test
  void load_pentaractEnabledWithoutCredentials_namesTheMissingSettings() {
    assertThatThrownBy(() -> load(env("PENTARACT_ENABLED", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PENTARACT_EMAIL, PENTARACT_PASSWORD");
  }

  @Test
  void load_pentaractEnabledWithCredentials_isEnabled() {
    ScoutConfig c =
        load(env("PENTARACT_ENABLED", "yes", "PENTARACT_API_URL", "http://pentaract:8000/api",
            "PENTARACT_EMAIL", "bot@example.com", "PENTARACT_PASSWORD", "s3cret-pass",
            "PENTARACT_CHAT_ID", "-1234567890"));

    assertThat(c.pentaract().enabled()).isTrue();
    assertThat(c.pentaract().apiUrl()).hasToString("http://pentaract:8000/api");
    assertThat(c.pentaract().password().reveal()).isEqualTo("s3cret-pass");
    assertThat(c.pentaract().chatId()).hasValue(-1234567890L);
  }

  @Test
  void effective_masksSecrets_andListsEverySetting() {
    ScoutConfig c =
        load(env("PENTARACT_PASSWORD", "hunter2-secret", "BOT_TOKEN", "123:ABC", "HTTP_TOKEN",
            "tok"));

    assertThat(c.effective())
        .containsEntry("PENTARACT_PASSWORD", "***")
        .containsEntry("BOT_TOKEN", "***")
        .containsEntry("HTTP_TOKEN", "***")
        .containsEntry("RESOURCE_CPU_THRESHOLD", "80.0")
        .containsKeys("RESOURCE_MONITORING_ENABLED", "RESOURCE_MONITORING_INTERVAL",
            "RESOURCE_MEMORY_THRESHOLD", "RESOURCE_MAX_MEMORY_MB", "RESOURCE_STREAMING_CHUNK_SIZE",
            "RESOURCE_GC_AFTER_UPLOAD", "DATABASE_URL", "DATA_DIR");
    assertThat(c.effective().values()).noneMatch(v -> v.contains("hunter2") || v.contains("ABC"));
    assertThat(c.toString()).doesNotContain("hunter2");
  }

  @Test
  void effective_masksTheDatabasePassword_inTheUrlAndInProblems() {
    ScoutConfig c =
        load(env("DATABASE_URL", "jdbc:postgresql://db:5432/scoutbot?user=s&password=hunter2"));

    assertThat(c.databaseUrl()).contains("password=hunter2");
    assertThat(c.effective().get("DATABASE_URL"))
        .isEqualTo("jdbc:postgresql://db:5432/scoutbot?user=s&password=***");
    assertThatThrownBy(() -> load(env("DATABASE_URL", "postgresql://u:hunter2@db/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DATABASE_URL=postgresql://u:***@db/x")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void load_pentaractUrlWithCredentials_isRejectedWithoutShowingThem() {
    assertThatThrownBy(() -> load(env("PENTARACT_API_URL", "http://bot:hunter2@pentaract:8000/api")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PENTARACT_API_URL=http://bot:***@pentaract:8000/api")
        .hasMessageContaining("PENTARACT_EMAIL")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void load_badPentaractUrlWithCredentials_neverEchoesThePassword() {
    for (String bad : List.of("htp://admin:S3cretPW@host/api", "http://admin:S3cret PW@host/api",
        "http://admin:S3/cretPW@host/api")) {
      assertThatThrownBy(() -> load(env("PENTARACT_API_URL", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("PENTARACT_API_URL=")
          .hasMessageNotContaining("S3cret")
          .hasMessageNotContaining("cretPW");
    }
  }

  @Test
  void load_postgresUrlWithUserinfo_isRejected_becauseTheDriverWouldReadItAsAHost() {
    assertThatThrownBy(() -> load(env("DATABASE_URL", "jdbc:postgresql://scout:Ab/Cd@db/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DATABASE_URL=jdbc:postgresql://scout:***@db/x")
        .hasMessageContaining("?user=NAME&password=SECRET")
        .hasMessageNotContaining("Ab/Cd");
  }

  @Test
  void load_booleanSpellings_areAccepted() {
    for (String t : List.of("true", "TRUE", "1", "yes", "on")) {
      assertThat(load(env("RESOURCE_GC_AFTER_UPLOAD", t)).resource().gcAfterUpload()).isTrue();
    }
    for (String f : List.of("false", "0", "no", "OFF")) {
      assertThat(load(env("RESOURCE_GC_AFTER_UPLOAD", f)).resource().gcAfterUpload()).isFalse();
    }
  }

  @Test
  void load_allowedUserIds_parsesCommaSeparatedList() {
    assertThat(load(env("ALLOWED_USER_ID", " 12, 34 ,")).telegram().allowedUserIds())
        .containsExactlyInAnyOrder(12L, 34L);
  }

  @Test
  void load_adminUserIds_defaultToTheFirstAllowedId_asWritten() {
    assertThat(load(env("ALLOWED_USER_ID", "90,12,34")).telegram().adminUserIds())
        .containsExactly(90L);
    assertThat(load(env("ALLOWED_USER_ID", "90,12", "ADMIN_USER_IDS", "12,7")).telegram()
        .adminUserIds()).containsExactlyInAnyOrder(12L, 7L);
    assertThat(load(env()).telegram().adminUserIds()).as("nobody without any ids").isEmpty();
  }

  @Test
  void load_nonLoopbackAddressWithToken_isAccepted() {
    ScoutConfig c = load(env("HTTP_ADDR", "[::]:9090", "HTTP_TOKEN", "abc"));
    assertThat(c.http().host()).isEqualTo("::");
    assertThat(c.http().port()).isEqualTo(9090);
  }

  @ParameterizedTest
  @ValueSource(strings = {"off", "OFF", "Off"})
  void load_httpAddrOff_disablesTheServer_whateverTheToken(String off) {
    ScoutConfig c = load(env("HTTP_ADDR", off));
    assertThat(c.http().enabled()).isFalse();
    assertThat(load(env("HTTP_ADDR", off, "HTTP_TOKEN", "abc")).http().enabled()).isFalse();
  }

  @Test
  void load_defaultHttpAddr_isEnabledOnLoopbackWithoutToken() {
    ScoutConfig c = load(Map.of());
    assertThat(c.http().enabled()).isTrue();
    assertThat(c.http().loopback()).isTrue();
    assertThat(c.http().token().isEmpty()).isTrue();
  }

  @Test
  void httpConfig_refusesANonLoopbackHostWithoutToken_whenBuiltDirectly() {
    assertThatThrownBy(() -> new HttpConfig("0.0.0.0", 8080, Secret.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HTTP_TOKEN");
    assertThat(new HttpConfig(false, "0.0.0.0", 8080, Secret.empty()).enabled()).isFalse();
  }

  @Test
  void records_rejectInvalidValuesWhenBuiltDirectly() {
    assertThatThrownBy(
            () -> new ResourceConfig(true, Duration.ZERO, 80, 80, 90, 10, 1 << 20, 4096, true,
                Duration.ofSeconds(2), 0, Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("monitoringInterval");
  }
}
