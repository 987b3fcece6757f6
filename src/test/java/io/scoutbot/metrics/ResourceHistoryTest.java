package io.scoutbot.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.config.ResourceConfig;
import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.testing.FakeResourceProbe;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The status page's chart data: a ring of 10 s steps over the last hour, fed by the monitor. */
@Timeout(10)
class ResourceHistoryTest {

  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

  private final ManualClock clock = new ManualClock(START);
  private final FakeResourceProbe probe = new FakeResourceProbe();
  private final ResourceMonitor monitor = new ResourceMonitor(probe, new ResourceConfig(true,
      Duration.ofMinutes(10), 80, 75, 90, 10, 1 << 20, 65_536, true, Duration.ofSeconds(2), 0,
      Duration.ofSeconds(20), Duration.ofSeconds(5), 0), clock, clock);

  private void sample(double cpu, double memory) {
    probe.set(cpu, memory);
    monitor.sampleOnce();
  }

  @Test
  void samplesWithinOneStep_foldIntoItsPeaks_andAnyThrottledMomentMarksIt() {
    ResourceHistory history = ResourceHistory.lastHour(monitor, clock);

    sample(30, 40);
    clock.advance(Duration.ofSeconds(2));
    sample(95, 45); // one hot sample: not yet throttled (hysteresis)
    clock.advance(Duration.ofSeconds(2));
    sample(96, 20); // the second one throttles
    clock.advance(Duration.ofSeconds(2));
    sample(10, 10);

    Map<String, Object> h = history.toMap();
    assertThat(h.get("t")).isEqualTo(List.of(START.getEpochSecond()));
    assertThat(h.get("cpu")).isEqualTo(List.of(96.0));
    assertThat(h.get("memory")).isEqualTo(List.of(45.0));
    assertThat(h.get("disk")).isEqualTo(List.of(30.0));
    assertThat(h.get("throttled")).isEqualTo(List.of(true));
  }

  @Test
  void steps_comeOldestFirst_andStepsWithoutSamplesAreLeftOut() {
    ResourceHistory history = ResourceHistory.lastHour(monitor, clock);

    sample(10, 20);
    clock.advance(Duration.ofSeconds(30));
    sample(20, 30);
    clock.advance(Duration.ofSeconds(10));
    sample(30, 40);

    Map<String, Object> h = history.toMap();
    long t0 = START.getEpochSecond();
    assertThat(h.get("t")).isEqualTo(List.of(t0, t0 + 30, t0 + 40));
    assertThat(h.get("cpu")).isEqualTo(List.of(10.0, 20.0, 30.0));
    assertThat(h.get("throttled")).isEqualTo(List.of(false, false, false));
    assertThat(h).containsEntry("now", (double) (t0 + 40)).containsEntry("step_seconds", 10.0)
        .containsEntry("span_seconds", 3600.0).containsEntry("cpu_threshold", 80.0)
        .containsEntry("memory_threshold", 75.0).containsEntry("disk_threshold", 90.0);
  }

  @Test
  void stepsOlderThanTheSpan_dropOut_evenWithoutNewSamples() {
    ResourceHistory history =
        new ResourceHistory(monitor, clock, Duration.ofMinutes(1), Duration.ofSeconds(10));
    monitor.addListener(history);

    sample(10, 20);
    clock.advance(Duration.ofSeconds(50));
    sample(20, 20);
    assertThat((List<?>) history.toMap().get("t")).hasSize(2);

    clock.advance(Duration.ofSeconds(10));
    assertThat(history.toMap().get("cpu")).isEqualTo(List.of(20.0));

    clock.advance(Duration.ofHours(3));
    assertThat((List<?>) history.toMap().get("t")).isEmpty();

    sample(30, 20); // the ring wrapped many times: old slots are reused, never shown
    assertThat(history.toMap().get("cpu")).isEqualTo(List.of(30.0));
  }

  @Test
  void anUnknownCpuFigure_isNull_notZero() {
    ResourceHistory history = ResourceHistory.lastHour(monitor, clock);

    probe.set(FakeResourceProbe.sample(Double.NaN, 20, 30));
    monitor.sampleOnce();

    assertThat(history.toMap().get("cpu")).isEqualTo(java.util.Collections.singletonList(null));
    assertThat(history.toMap().get("memory")).isEqualTo(List.of(20.0));
  }

  @Test
  void aLateReadingForAStepAlreadyReused_isIgnored() {
    ResourceHistory history =
        new ResourceHistory(monitor, clock, Duration.ofSeconds(20), Duration.ofSeconds(10));
    sample(10, 20);
    ResourceMonitor.Reading old = monitor.latest().orElseThrow();
    clock.advance(Duration.ofSeconds(20));
    sample(50, 20);
    history.record(monitor.latest().orElseThrow());

    history.record(old);

    assertThat(history.toMap().get("cpu")).isEqualTo(List.of(50.0));
  }

  @Test
  void aStepLongerThanTheSpan_isRefused() {
    assertThatThrownBy(() ->
        new ResourceHistory(monitor, clock, Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("span");
  }
}
