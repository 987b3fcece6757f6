package io.scoutbot.testing;

import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Sleeper} that returns at once and records every requested pause, so a test asserts what
 * was waited (a 429's {@code retry_after}) without waiting. Thread-safe.
 */
public final class RecordingSleeper implements Sleeper {

  private final List<Duration> slept = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    slept.add(duration);
  }

  /** Every pause asked for, oldest first. */
  public List<Duration> slept() {
    return List.copyOf(slept);
  }
}
