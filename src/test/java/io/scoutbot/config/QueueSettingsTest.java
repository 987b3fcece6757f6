package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The queue's settings: defaults, values, and rejections that name the variable. */
class QueueSettingsTest {

  private static final Path WORK = Path.of("/tmp/scoutbot-config-test");

  @Test
  void defaults() {
    QueueConfig q = ConfigLoader.fromMap(Map.of("NODE_ID", "n1"), WORK).queue();

    assertThat(q.maxQueuedJobsPerUser()).isEqualTo(50);
    assertThat(q.maxQueuedBytesPerUser()).isEqualTo(20_480L * 1024 * 1024);
    assertThat(q.maxRunningPerUser()).isEqualTo(2);
    assertThat(q.lease()).isEqualTo(Duration.ofSeconds(60));
    assertThat(q.retryAttempts()).isEqualTo(5);
    assertThat(q.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(q.aging()).isEqualTo(Duration.ofMinutes(10));
    assertThat(q.keepFinished()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void values_areRead() {
    QueueConfig q = ConfigLoader.fromMap(Map.of("QUEUE_RETRY_ATTEMPTS", "9",
        "QUEUE_POLL_SECONDS", "7", "QUEUE_AGING_SECONDS", "30", "QUEUE_KEEP_FINISHED_DAYS", "3"),
        WORK).queue();

    assertThat(q.retryAttempts()).isEqualTo(9);
    assertThat(q.pollInterval()).isEqualTo(Duration.ofSeconds(7));
    assertThat(q.aging()).isEqualTo(Duration.ofSeconds(30));
    assertThat(q.keepFinished()).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void keepFinishedZero_meansKeepForever() {
    QueueConfig q =
        ConfigLoader.fromMap(Map.of("QUEUE_KEEP_FINISHED_DAYS", "0"), WORK).queue();

    assertThat(q.keepFinished()).isZero();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "QUEUE_RETRY_ATTEMPTS, 0",
    "QUEUE_RETRY_ATTEMPTS, many",
    "QUEUE_POLL_SECONDS, 0",
    "QUEUE_AGING_SECONDS, -5",
    "QUEUE_KEEP_FINISHED_DAYS, -1",
    "QUEUE_KEEP_FINISHED_DAYS, 2.5",
    "NODE_ID, a/b",
    "NODE_ID, 'host one'"
  })
  void badValues_stopStartup_namingTheVariable(String name, String value) {
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of(name, value), WORK))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anyMatch(p -> p.startsWith(name + "=")));
  }
}
