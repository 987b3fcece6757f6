package io.scoutbot.resource;

import io.scoutbot.config.ResourceConfig;
import java.time.Duration;

/** Resource settings for tests: the seed's defaults unless a test says otherwise. */
final class Configs {

  private Configs() {}

  /** CPU and memory 80 %, disk 90 %, margin 10, samples every 2 s, metrics every 10 min. */
  static ResourceConfig defaults() {
    return with(Duration.ofSeconds(300), Duration.ofSeconds(5));
  }

  static ResourceConfig with(Duration maxWait, Duration poll) {
    return new ResourceConfig(
        true, Duration.ofMinutes(10), 80.0, 80.0, 90.0, 10.0, 500L << 20, 1_048_576, true,
        Duration.ofSeconds(2), 10L << 20, maxWait, poll, 0);
  }
}
