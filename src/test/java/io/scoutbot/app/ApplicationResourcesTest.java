package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.config.ConfigLoader;
import io.scoutbot.files.Submission;
import io.scoutbot.files.UploadOutcome;
import io.scoutbot.resource.MemoryBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The governor as the composition root wires it, on this machine's real probe. */
class ApplicationResourcesTest {

  @TempDir Path dir;

  private Application app(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", dir.resolve("data").toString());
    // thresholds nothing can exceed: this machine's real load must not throttle the test
    env.put("RESOURCE_CPU_THRESHOLD", "100");
    env.put("RESOURCE_MEMORY_THRESHOLD", "100");
    env.put("RESOURCE_DISK_THRESHOLD", "100");
    env.putAll(extra);
    return new Application(ConfigLoader.fromMap(env, dir), false, Map.of());
  }

  @Test
  void status_putsTheResourceFiguresAtTheTopLevel() {
    try (Application app = app(Map.of())) {
      Map<String, Object> status = app.files().status().toMap();

      assertThat(status)
          .containsKeys("cpu_usage", "memory_usage", "disk_usage", "throttled", "cpu_threshold",
              "memory_threshold", "heap_used_bytes", "heap_committed_bytes", "heap_max_bytes",
              "memory_budget_in_use_bytes", "memory_budget_peak_bytes",
              "memory_budget_capacity_bytes", "limits_source", "work_limit", "gc_collections");
      assertThat(status.get("cpu_usage")).as("a real CPU figure").isInstanceOf(Double.class);
      assertThat((Double) status.get("memory_usage")).isBetween(0.0, 100.0);
      assertThat(status.get("limits_source")).isIn("host", "cgroup-v1", "cgroup-v2");
      assertThat(status.get("throttled")).isEqualTo(false);
      assertThat(status.get("monitoring")).isEqualTo(true);
    }
  }

  @Test
  void monitor_startsAtTheFirstHeavyStep_notWhenTheDeskIsBuilt_andStopsOnClose()
      throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "hello");
    Application app = app(Map.of());
    try {
      app.files().list(0);
      assertThat(app.resourceSnapshot().monitoring()).as("list starts no sampler").isFalse();

      store(app, file);

      assertThat(app.resourceSnapshot().monitoring()).isTrue();
      assertThat(app.resourceSnapshot().sample()).isNotNull();
      assertThat(app.resourceSnapshot().gc().requests()).isEqualTo(1);
    } finally {
      app.close();
    }
    assertThat(app.resourceSnapshot().monitoring()).isFalse();
  }

  @Test
  void monitoringDisabled_neverThrottles_butStatusStillShowsFigures() throws Exception {
    Path file = Files.writeString(dir.resolve("b.txt"), "hello");
    try (Application app = app(Map.of("RESOURCE_MONITORING_ENABLED", "false",
        "RESOURCE_MEMORY_THRESHOLD", "1"))) {
      store(app, file);
      Map<String, Object> status = app.files().status().toMap();

      assertThat(status.get("monitoring")).isEqualTo(false);
      assertThat(status.get("throttled")).isEqualTo(false);
      assertThat(status.get("memory_usage")).isNotNull();
    }
  }

  private static void store(Application app, Path file) throws InterruptedException {
    UploadOutcome o = app.files().store(0, List.of(Submission.localFile(file)), e -> {}).get(0);
    assertThat(o.ok()).as(o.error()).isTrue();
  }

  @Test
  void memoryBudget_largerThanTheHeapCanHold_isLoweredToThreeQuarters_smallerOnesAreKept() {
    long heap = 64L << 20;

    assertThat(Application.budgetCapacity(100_000L << 20, heap)).isEqualTo(48L << 20);
    assertThat(Application.budgetCapacity(16L << 20, heap)).isEqualTo(16L << 20);
    assertThat(Application.budgetCapacity(0, heap)).isEqualTo(MemoryBudget.defaultCapacity(heap));
  }
}
