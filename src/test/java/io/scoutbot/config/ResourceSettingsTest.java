package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The seed's resource settings: names, defaults and validation (seed tests 14–21, E11). */
class ResourceSettingsTest {

  @TempDir Path dir;

  private ResourceConfig load(Map<String, String> env) {
    return ConfigLoader.fromMap(env, dir).resource();
  }

  // seeds 14-21: every setting exists with the seed's default and type
  @Test
  void defaults_areTheSeeds() {
    ResourceConfig r = load(Map.of());

    assertThat(r.monitoringEnabled()).isTrue();
    assertThat(r.gcAfterUpload()).isTrue();
    assertThat(r.streamingChunkSize()).isEqualTo(1_048_576);
    assertThat(r.cpuThreshold()).isEqualTo(80.0);
    assertThat(r.memoryThreshold()).isEqualTo(80.0);
    assertThat(r.maxMemoryBytes()).isEqualTo(500L * 1024 * 1024);
    assertThat(r.monitoringInterval()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void defaults_ofTheGovernorsOwnSettings() {
    ResourceConfig r = load(Map.of());

    assertThat(r.sampleInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.throttlePoll()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.throttleMaxWait()).isEqualTo(Duration.ofSeconds(300));
    assertThat(r.diskThreshold()).isEqualTo(90.0);
    assertThat(r.recoveryMargin()).isEqualTo(10.0);
    assertThat(r.memoryBudgetBytes()).isZero();
  }

  // seed 14: test_gc_after_upload_setting is a bool
  @ParameterizedTest
  @CsvSource({"false, false", "0, false", "no, false", "true, true", "1, true", "on, true"})
  void gcAfterUpload_isABoolean(String value, boolean expected) {
    assertThat(load(Map.of("RESOURCE_GC_AFTER_UPLOAD", value)).gcAfterUpload()).isEqualTo(expected);
  }

  @Test
  void settings_areRead() {
    ResourceConfig r =
        load(Map.of("RESOURCE_CPU_THRESHOLD", "70.5", "RESOURCE_MEMORY_THRESHOLD", "1",
            "RESOURCE_THROTTLE_MAX_WAIT_SECONDS", "3", "RESOURCE_SAMPLE_SECONDS", "1",
            "RESOURCE_MONITORING_ENABLED", "false", "RESOURCE_MEMORY_BUDGET_MB", "64"));

    assertThat(r.cpuThreshold()).isEqualTo(70.5);
    assertThat(r.memoryThreshold()).isEqualTo(1.0);
    assertThat(r.throttleMaxWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(r.sampleInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.monitoringEnabled()).isFalse();
    assertThat(r.memoryBudgetBytes()).isEqualTo(64L << 20);
  }

  // seeds 17, 18 (thresholds in range), 20 (max memory > 0), 21 (interval > 0), and E11
  @ParameterizedTest
  @CsvSource({
    "RESOURCE_CPU_THRESHOLD, 150",
    "RESOURCE_CPU_THRESHOLD, 0",
    "RESOURCE_MEMORY_THRESHOLD, -5",
    "RESOURCE_MEMORY_THRESHOLD, lots",
    "RESOURCE_MAX_MEMORY_MB, 0",
    "RESOURCE_MONITORING_INTERVAL, 0",
    "RESOURCE_MONITORING_INTERVAL, -1",
    "RESOURCE_SAMPLE_SECONDS, 0",
    "RESOURCE_THROTTLE_POLL_SECONDS, 0",
    "RESOURCE_STREAMING_CHUNK_SIZE, 100",
    "RESOURCE_RECOVERY_MARGIN, 100",
  })
  void badValues_stopStartup_namingTheVariableAndTheValue(String name, String value) {
    assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name)
        .hasMessageContaining(value);
  }
}
