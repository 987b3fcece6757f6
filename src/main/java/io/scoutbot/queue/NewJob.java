package io.scoutbot.queue;

import io.scoutbot.fetch.JobSource;
import java.util.Objects;

/**
 * A job about to be submitted. Immutable.
 *
 * @param name the user's original file name (never a temp name): the catalog shows it back
 * @param size bytes when known, else -1
 * @param destination the storage backend that must store it ({@code StorageTarget.name()})
 * @param tag a front end's tag, returned with the job's views and events; null if none
 */
public record NewJob(long ownerId, JobSource source, String name, long size, String destination,
    String tag) {

  /** A job without a front end's tag. */
  public NewJob(long ownerId, JobSource source, String name, long size, String destination) {
    this(ownerId, source, name, size, destination, null);
  }

  public NewJob {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(destination, "destination");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name cannot be blank");
    }
    if (size < -1) {
      throw new IllegalArgumentException("size must be -1 (unknown) or more: " + size);
    }
  }
}
