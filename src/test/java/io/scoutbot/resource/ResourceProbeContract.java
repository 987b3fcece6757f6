package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What every {@link ResourceProbe} returns: figures within their ranges, unknown ones marked as such
 * (NaN or -1), never an exception for a missing file. Extend once per implementation.
 */
abstract class ResourceProbeContract {

  /** The probe under test, fresh for each test. */
  protected abstract ResourceProbe probe();

  @Test
  void sample_givesFiguresWithinTheirRanges() {
    ResourceProbe probe = probe();
    for (int i = 0; i < 3; i++) {
      ResourceSample s = probe.sample();

      assertThat(s.memoryLimitBytes()).isPositive();
      assertThat(s.memoryUsedBytes()).isBetween(0L, s.memoryLimitBytes());
      assertThat(s.memoryPercent()).isBetween(0.0, 100.0);
      assertThat(s.cpuCores()).isPositive();
      assertPercentOrUnknown(s.cpuPercent());
      assertPercentOrUnknown(s.processCpuPercent());
      assertPercentOrUnknown(s.diskPercent());
      assertThat(s.heapUsedBytes()).isPositive();
      assertThat(s.heapCommittedBytes()).isGreaterThanOrEqualTo(s.heapUsedBytes());
      assertThat(s.rssBytes()).isGreaterThanOrEqualTo(-1);
      assertThat(s.limitsSource()).isNotNull();
    }
  }

  @Test
  void limitsSource_isTheContainersWhenAnyLimitCameFromIt() {
    ResourceSample s = probe().sample();

    boolean fromContainer =
        s.memorySource() != LimitSource.HOST || s.cpuSource() != LimitSource.HOST;
    assertThat(s.limitsSource() != LimitSource.HOST).isEqualTo(fromContainer);
  }

  private static void assertPercentOrUnknown(double p) {
    if (!Double.isNaN(p)) {
      assertThat(p).isBetween(0.0, 100.0);
    }
  }
}
