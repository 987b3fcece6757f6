package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.config.ConfigCheck.Entry;
import io.scoutbot.config.ConfigCheck.Report;
import io.scoutbot.config.ConfigCheck.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@link ConfigCheck} makes of a Python ScoutBot .env, key by key. */
@Timeout(30)
class ConfigCheckTest {

  @TempDir Path dir;

  /** A .env as the Python ScoutBot's operators have them (scoutbot-original.md §2), with slips. */
  private static final String PYTHON_ENV = """
      BOT_TOKEN=123456:SECRET-TOKEN
      ALLOWED_USER_ID=12345
      PENTARACT_ENABLED=true
      PENTARACT_API_URL=http://pentaract:8547/api
      PENTARACT_EMAIL=admin@example.com
      PENTARACT_PASSWORD=hunter2-secret
      PENTARACT_USERNAME=admin
      PENTARACT_TIMOUT=60
      RESOURCE_MAX_MEMORY_MB=
      TELEGRAM_USE_LOCAL_API=true
      ENVIRONMENT=production
      LOG_LEVEL=critical
      REDIS_URL=redis://:redis-secret@redis:6379/0
      pentaract_retry_attempts=5
      """;

  private Report check(String content) throws IOException {
    return ConfigCheck.check(Files.writeString(dir.resolve(".env"), content));
  }

  private Map<String, Entry> byKey(Report r) {
    return r.entries().stream().collect(Collectors.toMap(Entry::key, Function.identity()));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(nullValues = "-", value = {
    "PENTARACT_API_URL, USED, http://pentaract:8547/api, -",
    "ALLOWED_USER_ID, USED, 12345, -",
    "BOT_TOKEN, USED, ***, -",
    "PENTARACT_PASSWORD, USED, ***, -",
    "LOG_LEVEL, USED, critical, -",
    "RESOURCE_MAX_MEMORY_MB, DEFAULTED, 500, -",
    "TELEGRAM_USE_LOCAL_API, RENAMED, -, TELEGRAM_LOCAL_API",
    "ENVIRONMENT, RENAMED, -, LOG_LEVEL",
    "pentaract_retry_attempts, RENAMED, -, PENTARACT_RETRY_ATTEMPTS",
    "PENTARACT_USERNAME, UNKNOWN, -, -",
    "REDIS_URL, UNKNOWN, -, -",
  })
  void pythonEnv_eachKeyIsUsedDefaultedRenamedOrUnknown(String key, Status status, String value,
      String newName) throws IOException {
    Entry e = byKey(check(PYTHON_ENV)).get(key);

    assertThat(e.status()).isEqualTo(status);
    assertThat(e.value()).isEqualTo(value);
    assertThat(e.newName()).isEqualTo(newName);
  }

  @Test
  void pythonLogLevelNames_areUsed_andSayWhatTheyAreReadAs() throws IOException {
    assertThat(byKey(check(PYTHON_ENV)).get("LOG_LEVEL").note()).isEqualTo(
        "read as error (there is no critical level here)");
    assertThat(byKey(check("LOG_LEVEL=warning\n")).get("LOG_LEVEL").note())
        .isEqualTo("read as warn");
    assertThat(byKey(check("LOG_LEVEL=debug\n")).get("LOG_LEVEL").note()).isNull();
  }

  @Test
  void unknownKey_namesTheNearestKnownSetting_whenItLooksLikeATypo() throws IOException {
    Map<String, Entry> entries = byKey(check(PYTHON_ENV));

    assertThat(entries.get("PENTARACT_TIMOUT").nearest()).isEqualTo("PENTARACT_TIMEOUT");
    assertThat(entries.get("REDIS_URL").nearest()).isNull();
  }

  @Test
  void pythonEnv_withItsOwnValues_startsUp_andLogLevelCriticalMeansError() throws IOException {
    Report r = check(PYTHON_ENV);

    assertThat(r.problems()).isEmpty();
    assertThat(r.startsUp()).isTrue();
    // 8 known settings are in the file
    assertThat(r.defaultedSettings()).isEqualTo(ConfigCheck.knownSettings().size() - 8);
    assertThat(ConfigLoader.fromMap(Map.of("LOG_LEVEL", "critical"), dir).log().level())
        .isEqualTo("error");
  }

  @Test
  void noSecretValueAppearsAnywhereInTheReport() throws IOException {
    String report = ConfigCheck.toMap(check(PYTHON_ENV)).toString();

    assertThat(report).doesNotContain("SECRET-TOKEN", "hunter2-secret", "redis-secret");
  }

  @Test
  void valuesThatWouldStopStartup_areProblems_withAHintForThePythonSqliteUrl()
      throws IOException {
    Report r = check("""
        DATABASE_URL=sqlite:///./data/development.db
        RESOURCE_CPU_THRESHOLD=250
        PENTARACT_ENABLED=true
        """);

    assertThat(r.startsUp()).isFalse();
    assertThat(r.problems()).hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL=sqlite:///./data/development.db"))
        .anySatisfy(p -> assertThat(p).startsWith("RESOURCE_CPU_THRESHOLD=250"))
        .anySatisfy(p -> assertThat(p).contains("PENTARACT_EMAIL, PENTARACT_PASSWORD"));
    assertThat(r.hints()).singleElement().asString()
        .contains("jdbc:sqlite:./data/development.db");
    assertThat(byKey(r).get("RESOURCE_CPU_THRESHOLD").note()).contains("not valid");
  }

  @Test
  void missingFile_isAProblem() {
    Report r = ConfigCheck.check(dir.resolve("absent.env"));

    assertThat(r.startsUp()).isFalse();
    assertThat(r.problems()).singleElement().asString().contains("no such file");
  }

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    "PENTARACT_TIMOUT, PENTARACT_TIMEOUT, 1",
    "LOG_LEVEL, LOG_LEVEL, 0",
    "DATA_DIRS, DATA_DIR, 1",
    "ABC, XYZ, 3",
  })
  void distance_isTheEditDistance(String a, String b, int d) {
    assertThat(ConfigCheck.distance(a, b)).isEqualTo(d);
  }
}
