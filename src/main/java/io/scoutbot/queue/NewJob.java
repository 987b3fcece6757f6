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
 * @param route where the fetched file goes: the storage, or the chat it came from
 */
public record NewJob(long ownerId, JobSource source, String name, long size, String destination,
    String tag, Route route) {

  /** A stored job without a front end's tag. */
  public NewJob(long ownerId, JobSource source, String name, long size, String destination) {
    this(ownerId, source, name, size, destination, null, Route.STORE);
  }

  /** A stored job with a front end's tag. */
  public NewJob(long ownerId, JobSource source, String name, long size, String destination,
      String tag) {
    this(ownerId, source, name, size, destination, tag, Route.STORE);
  }

  public NewJob {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(route, "route");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name cannot be blank");
    }
    if (size < -1) {
      throw new IllegalArgumentException("size must be -1 (unknown) or more: " + size);
    }
  }
}
