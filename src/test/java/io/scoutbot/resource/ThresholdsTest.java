package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.testing.FakeResourceProbe;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdsTest {

  // thresholds: CPU 80, memory 80, disk 90, recovery margin 10
  private final Thresholds thresholds = new Thresholds(80, 80, 90, 10);

  @ParameterizedTest(name = "cpu={0} memory={1} disk={2} -> hot={3} calm={4}")
  @CsvSource({
    // the seed's cases: both below, CPU above, memory above
    "30,   40,   30, false, true",
    "85,   40,   30, true,  false",
    "30,   85,   30, true,  false",
    // strictly greater, as the seed: exactly at the threshold is not hot
    "80,   40,   30, false, false",
    "30,   80,   30, false, false",
    // the band between threshold - margin and threshold: neither
    "75,   40,   30, false, false",
    "30,   70,   30, false, false",
    "69.9, 69.9, 30, false, true",
    // disk above RESOURCE_DISK_THRESHOLD throttles too
    "30,   40,   95, true,  false",
    "30,   40,   85, false, false",
    // unknown CPU (a probe's first reading) is no evidence either way
    "NaN,  40,   30, false, true",
    "NaN,  85,   30, true,  false",
  })
  void hotAndCalm(double cpu, double memory, double disk, boolean hot, boolean calm) {
    ResourceSample s = FakeResourceProbe.sample(cpu, memory, disk);

    assertThat(thresholds.hot(s)).isEqualTo(hot);
    assertThat(thresholds.calm(s)).isEqualTo(calm);
  }

  @ParameterizedTest(name = "threshold {0}, margin 10 -> calm below {1}")
  @CsvSource({"80, 70", "20, 10", "5, 2.5", "1, 0.5"})
  void lowThreshold_keepsAReachableCalmLevel_marginAtMostHalfTheThreshold(
      double threshold, double calmBelow) {
    Thresholds low = new Thresholds(threshold, threshold, 90, 10);

    assertThat(low.calmBelow(threshold)).isEqualTo(calmBelow);
    assertThat(low.calm(FakeResourceProbe.sample(calmBelow * 0.9, calmBelow * 0.9, 30))).isTrue();
  }
}
