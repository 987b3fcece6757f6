package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.testing.FakeResourceProbe;
import io.scoutbot.testing.ManualClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceSnapshotTest {

  private final ManualClock clock = new ManualClock();
  private final FakeResourceProbe probe = new FakeResourceProbe();
  private final ResourceMonitor monitor =
      new ResourceMonitor(probe, Configs.defaults(), clock, clock);
  private final MemoryBudget budget = new MemoryBudget(40L << 20, 8L << 20);
  private final ResourceSnapshot.Work work = new ResourceSnapshot.Work(3, 3, 0, 0, 0);
  private final CoalescingGc.Stats gc = new CoalescingGc.Stats(true, 5, 2, 1000, 2000);

  // seed 9: test_check_resources
  @Test
  void toMap_carriesTheSeedsCheckResourcesKeys() {
    probe.set(50, 60);
    monitor.sampleOnce();

    Map<String, Object> m = ResourceSnapshot.of(monitor, budget, work, gc).toMap();

    assertThat(m)
        .containsEntry("cpu_usage", 50.0)
        .containsEntry("memory_usage", 60.0)
        .containsEntry("throttled", false)
        .containsEntry("cpu_threshold", 80.0)
        .containsEntry("memory_threshold", 80.0);
    assertThat(m.keySet())
        .startsWith("cpu_usage", "memory_usage", "disk_usage", "throttled", "cpu_threshold",
            "memory_threshold");
  }

  @Test
  void toMap_carriesHeapBudgetLimitsSourceWorkLimitAndGcCounts() throws InterruptedException {
    probe.set(85, 40);
    monitor.sampleOnce();
    budget.reserve(4L << 20).close();

    Map<String, Object> m = ResourceSnapshot.of(monitor, budget, work, gc).toMap();

    assertThat(m)
        .containsEntry("throttled", true)
        .containsEntry("disk_usage", 30.0)
        .containsEntry("limits_source", "cgroup-v2")
        .containsEntry("memory_limit_bytes", FakeResourceProbe.MEMORY_LIMIT)
        .containsEntry("heap_used_bytes", 64L << 20)
        .containsEntry("heap_committed_bytes", 128L << 20)
        .containsEntry("heap_max_bytes", 256L << 20)
        .containsEntry("rss_bytes", 300L << 20)
        .containsEntry("memory_budget_in_use_bytes", 0L)
        .containsEntry("memory_budget_peak_bytes", 4L << 20)
        .containsEntry("memory_budget_capacity_bytes", 40L << 20)
        .containsEntry("work_limit", 3)
        .containsEntry("gc_collections", 2L)
        .containsEntry("gc_reclaimed_bytes", 1000L)
        .containsEntry("sampled_at", clock.instant().toString());
  }

  @Test
  void unknownFigures_areNull_soTheJsonIsValid() throws Exception {
    probe.set(Double.NaN, 40);
    monitor.sampleOnce();

    Map<String, Object> m = ResourceSnapshot.of(monitor, budget, work, gc).toMap();
    String json = new ObjectMapper().writeValueAsString(m);

    assertThat(m).containsEntry("cpu_usage", null);
    assertThat(json).doesNotContain("NaN");
  }

  @Test
  void beforeTheFirstSample_figuresAreNull_butSettingsAndCountersAreThere() {
    Map<String, Object> m = ResourceSnapshot.of(monitor, budget, work, gc).toMap();

    assertThat(m)
        .containsEntry("cpu_usage", null)
        .containsEntry("limits_source", null)
        .containsEntry("throttled", false)
        .containsEntry("monitoring", false)
        .containsEntry("cpu_threshold", 80.0)
        .containsEntry("memory_budget_capacity_bytes", 40L << 20);
  }
}
