package io.scoutbot.storage.pentaract;

import java.time.Duration;

/**
 * Waits between retries and between background probes. Injected so that tests drive backoff and the
 * circuit breaker without sleeping; the system sleeper is {@link Thread#sleep(Duration)}.
 */
@FunctionalInterface
interface Sleeper {

  void sleep(Duration duration) throws InterruptedException;

  static Sleeper system() {
    return duration -> {
      if (duration.isPositive()) {
        Thread.sleep(duration);
      }
    };
  }
}
