package io.scoutbot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which inherited variables the process launcher keeps away from the service under test. */
class ScoutProcessesTest {

  @ParameterizedTest(name = "{0} inherited: cleared {1}")
  @CsvSource({
    // names the configuration loader reads, found by asking it (no prefix of ours covers these)
    "DATABASE_URL, true",
    "DATA_DIR, true",
    "TMPFILE_PATH, true",
    "NODE_ID, true",
    "ALLOWED_USER_ID, true",
    // the service's families, including names added after the launcher was written
    "PENTARACT_PASSWORD, true",
    "RESOURCE_SOME_FUTURE_LIMIT, true",
    "QUEUE_LEASE_SECONDS, true",
    "TELEGRAM_API_BASE_URL, true",
    "DOWNLOAD_MAX_MB, true",
    "HTTP_ADDR, true",
    "LOG_LEVEL, true",
    "BOT_TOKEN, true",
    // options for the JVM, whoever reads them
    "JAVA_OPTS, true",
    "JAVA_TOOL_OPTIONS, true",
    "JDK_JAVA_OPTIONS, true",
    "_JAVA_OPTIONS, true",
    "SCOUTBOT_JVM_DEFAULTS, true",
    // the rest of the machine's environment stays
    "PATH, false",
    "HOME, false",
    "TMPDIR, false",
    "LANG, false",
    "JAVA_HOME, false",
  })
  void cleared_dropsEverySettingTheServiceReads_andKeepsTheRest(String name, boolean cleared) {
    assertThat(ScoutProcesses.cleared(Map.of(name, "inherited")).contains(name))
        .isEqualTo(cleared);
  }
}
