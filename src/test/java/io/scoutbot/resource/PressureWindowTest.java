package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.testing.FakeResourceProbe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hysteresis: H = hot sample (CPU 90), N = calm (CPU 30), B = in the band (CPU 75). */
class PressureWindowTest {

  private final Thresholds thresholds = new Thresholds(80, 80, 90, 10);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // one spike among normal samples never throttles
    "N N H N N,       - - - - -",
    "N H N N H N N,   - - - - - - -",
    // a real change throttles by its second sample (reaction <= 2 sample intervals)
    "N N H H,         - - - T",
    "N N N H H H,     - - - - T T",
    // the very first reading decides alone: a host already loaded at start throttles at once
    "H,               T",
    "H N N,           T T -",
    // one dip while throttled does not release
    "H H N H H,       T T T T T",
    // release needs calm samples (below threshold - margin), not merely below the threshold
    "H H B B B B,     T T T T T T",
    "H H B N N,       T T T T -",
    "H H N N,         T T T -",
    // band samples never throttle either
    "B B B B,         - - - -",
    // readings alternating between hot and calm stay throttled instead of flipping every sample
    "H N H N H N H N, T T T T T T T T",
    "N H N H N H N,   - - - T T T T",
    "H N H N N,       T T T T -",
  })
  void throttledStateAfterEachSample(String samples, String expected) {
    PressureWindow window = new PressureWindow(thresholds);
    List<String> states = new ArrayList<>();
    for (String s : samples.split(" ")) {
      double cpu = switch (s) {
        case "H" -> 90;
        case "B" -> 75;
        default -> 30;
      };
      window.add(FakeResourceProbe.sample(cpu, 40, 30));
      states.add(window.throttled() ? "T" : "-");
    }

    assertThat(String.join(" ", states)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void add_reportsEachTransitionOnce() {
    PressureWindow window = new PressureWindow(thresholds);
    ResourceSample hot = FakeResourceProbe.sample(90, 40, 30);
    ResourceSample calm = FakeResourceProbe.sample(30, 40, 30);

    assertThat(window.add(hot)).isEqualTo(PressureWindow.Transition.THROTTLED);
    assertThat(window.add(hot)).isEqualTo(PressureWindow.Transition.NONE);
    assertThat(window.add(calm)).isEqualTo(PressureWindow.Transition.NONE);
    assertThat(window.add(calm)).isEqualTo(PressureWindow.Transition.RELIEVED);
    assertThat(window.add(calm)).isEqualTo(PressureWindow.Transition.NONE);
  }

  @org.junit.jupiter.api.Test
  void firstSampleWithoutCpu_isNoEvidence_soTheFirstRealReadingDecidesAlone() {
    PressureWindow window = new PressureWindow(thresholds);

    assertThat(window.add(FakeResourceProbe.sample(Double.NaN, 40, 30)))
        .isEqualTo(PressureWindow.Transition.NONE);
    assertThat(window.add(FakeResourceProbe.sample(95, 40, 30)))
        .isEqualTo(PressureWindow.Transition.THROTTLED);
  }

  @org.junit.jupiter.api.Test
  void probeWithoutCpuFigures_stillThrottlesOnMemory_andNotOnOneSpike() {
    PressureWindow window = new PressureWindow(thresholds);
    window.add(FakeResourceProbe.sample(Double.NaN, 40, 30));
    window.add(FakeResourceProbe.sample(Double.NaN, 40, 30));

    assertThat(window.add(FakeResourceProbe.sample(Double.NaN, 95, 30)))
        .isEqualTo(PressureWindow.Transition.NONE);
    assertThat(window.add(FakeResourceProbe.sample(Double.NaN, 95, 30)))
        .isEqualTo(PressureWindow.Transition.THROTTLED);
  }

  @org.junit.jupiter.api.Test
  void reset_forgetsHistoryAndState() {
    PressureWindow window = new PressureWindow(thresholds);
    window.add(FakeResourceProbe.sample(90, 40, 30));

    window.reset();

    assertThat(window.throttled()).isFalse();
    assertThat(window.add(FakeResourceProbe.sample(30, 40, 30)))
        .isEqualTo(PressureWindow.Transition.NONE);
  }
}
