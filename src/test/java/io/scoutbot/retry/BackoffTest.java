package io.scoutbot.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(15));

  @ParameterizedTest(name = "attempt={0}, random={1} -> {2} ms")
  @CsvSource({
    // the window is [ceiling/2, ceiling], ceiling = base * 2^attempt capped at max
    "0, 0.0,  5000",
    "0, 0.5,  7500",
    "0, 0.999, 9995",
    "1, 0.0,  10000",
    "3, 0.0,  40000",
    "3, 0.5,  60000",
    "6, 0.0,  320000",
    "7, 0.0,  450000",  // 1280 s capped at 900 s
    "7, 0.999, 899550",
    "40, 0.0, 450000",  // huge attempt numbers stay capped, no overflow
    "-1, 0.0, 5000"
  })
  void delay_growsExponentially_withJitter_upToTheCap(int attempt, double random, long millis) {
    assertThat(backoff.delay(attempt, () -> random)).isEqualTo(Duration.ofMillis(millis));
  }
}
