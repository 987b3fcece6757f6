package io.scoutbot.queue;

import io.scoutbot.fetch.JobSource;
import java.util.Objects;

/**
 * A job about to be submitted. Immutable.
 *
 * @param name the user's original file name (never a temp name): the catalog shows it back
 * @param size bytes when known, else -1
 * @param destination the storage backend that must store it ({@code StorageTarget.name()})
 */
public record NewJob(long ownerId, JobSource source, String name, long size, String destination) {

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
