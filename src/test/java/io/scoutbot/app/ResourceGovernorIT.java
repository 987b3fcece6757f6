package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The governor end to end: the real jar, as a user runs it. */
@Timeout(value = 4, unit = TimeUnit.MINUTES) // one JVM per test, allowed two minutes to finish
class ResourceGovernorIT {

  @TempDir Path dir;
  @RegisterExtension final ScoutProcesses scout =
      ScoutProcesses.in(() -> dir).env("LOG_LEVEL", "info");

  record Result(int exit, String out, String err, long millis) {}

  private Result run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    ScoutProcesses.Result r = scout.run(env, Duration.ofSeconds(120), args);
    return new Result(r.exit(), r.out(), r.err(), r.elapsed().toMillis());
  }

  @Test
  void statusJson_showsRealFiguresAndTheLimitsSource_atTheTopLevel() throws Exception {
    Result r = run(Map.of(), "status", "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    for (String key : List.of("cpu_usage", "memory_usage", "disk_usage", "cpu_threshold",
        "memory_threshold", "heap_committed_bytes", "memory_budget_capacity_bytes")) {
      assertThat(doc.path(key).isNumber()).as(key + " in " + r.out()).isTrue();
    }
    assertThat(doc.path("throttled").isBoolean()).isTrue();
    assertThat(doc.path("limits_source").asText()).isIn("host", "cgroup-v1", "cgroup-v2");
    assertThat(doc.path("memory_limit_bytes").asLong()).isPositive();
    assertThat(doc.path("rss_bytes").asLong()).isPositive();
  }

  @Test
  void upload_underMemoryPressure_logsThrottling_waitsTheMaxWait_thenCompletes()
      throws Exception {
    Files.writeString(dir.resolve("some.pdf"), "%PDF-1.4 not really a pdf\n");

    Result r =
        run(Map.of("RESOURCE_MEMORY_THRESHOLD", "1", "RESOURCE_THROTTLE_MAX_WAIT_SECONDS", "3"),
            "upload", "some.pdf", "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err())
        .containsSubsequence(
            "Resource usage exceeded thresholds - throttling enabled",
            "Throttling upload ",
            "Resource usage still high after 3s, proceeding with upload ",
            "stored some.pdf as ");
    assertThat(r.millis()).isGreaterThanOrEqualTo(3000);
    JsonNode file = new ObjectMapper().readTree(r.out()).path("files").path(0);
    assertThat(file.path("status").asText()).isEqualTo("completed");
  }

  @Test
  void list_startsNoMonitor() throws Exception {
    Result r = run(Map.of("LOG_LEVEL", "debug"), "list");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("Resource monitoring service started");
  }
}
