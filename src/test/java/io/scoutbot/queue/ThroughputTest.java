package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThroughputTest {

  @Test
  void rate_startsAtThePrior() {
    assertThat(new Throughput(1000).bytesPerSecond()).isEqualTo(1000.0);
  }

  @Test
  void rate_convergesToTheObservedRate() {
    Throughput t = new Throughput(1000);
    for (int i = 0; i < 40; i++) {
      t.observe(5_000_000, Duration.ofSeconds(1));
    }
    assertThat(t.bytesPerSecond()).isCloseTo(5_000_000, within(5_000.0));
  }

  @Test
  void rate_isWeightedByBytes_soTinyUploadsCannotSwingIt() {
    Throughput t = new Throughput(1_000_000);
    t.observe(100_000_000, Duration.ofSeconds(100)); // 1 MB/s on a big file
    double before = t.bytesPerSecond();
    for (int i = 0; i < 3; i++) {
      t.observe(10, Duration.ofMillis(100)); // 100 B/s on tiny files (overhead dominated)
    }
    assertThat(t.bytesPerSecond()).isGreaterThan(before * 0.4);
  }

  @Test
  void observe_ignoresEmptyUploads() {
    Throughput t = new Throughput(1000);
    t.observe(0, Duration.ofSeconds(10));
    assertThat(t.bytesPerSecond()).isEqualTo(1000.0);
  }

  @ParameterizedTest(name = "{0} B at 1000 B/s -> {1} ms")
  @CsvSource({"0, 0", "1, 1", "1000, 1000", "2500, 2500", "60000, 60000"})
  void estimate_isSizeOverRate(long size, long millis) {
    assertThat(new Throughput(1000).estimate(size)).contains(Duration.ofMillis(millis));
  }

  @Test
  void estimate_ofUnknownSize_isEmpty() {
    assertThat(new Throughput(1000).estimate(-1)).isEmpty();
  }
}
