package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The governor end to end: the real jar, as a user runs it. */
class ResourceGovernorIT {

  private static final Path JAR =
      Path.of(System.getProperty("scoutbot.jar", "target/scoutbot.jar")).toAbsolutePath();

  @TempDir Path dir;

  record Result(int exit, String out, String err, long millis) {}

  private Result run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("DATA_DIR", dir.resolve("data").toString());
    pb.environment().put("LOG_LEVEL", "info");
    pb.environment().putAll(env);
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("scoutbot " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
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
