package io.scoutbot.queue;

import java.util.Objects;

/**
 * What a worker reports with each lease renewal: the phase its job is in, the bytes moved in that
 * phase, and what fetching learned about the file (its name and size). Immutable.
 *
 * @param phase {@link Job#FETCHING} or {@link Job#STORING}; null before either started
 * @param size the file's size once known, else -1
 */
public record Heartbeat(String phase, long progressBytes, String name, long size) {

  public Heartbeat {
    Objects.requireNonNull(name, "name");
    if (progressBytes < 0) {
      throw new IllegalArgumentException("progressBytes cannot be negative: " + progressBytes);
    }
  }

  /** The heartbeat of a job that has not moved a byte yet. */
  public static Heartbeat start(Job job) {
    return new Heartbeat(null, 0, job.name(), job.size());
  }
}
