package io.scoutbot.storage;

import java.util.Objects;

/**
 * What a backend holds under one key: the complete object an earlier attempt stored, or not (a
 * partial leftover, or nothing). Immutable.
 */
public sealed interface Presence {

  /** The whole object is there; {@code object} records it (location, size, SHA-256, segments). */
  record Complete(StoredObject object) implements Presence {
    public Complete {
      Objects.requireNonNull(object, "object");
    }
  }

  /**
   * Nothing complete is there; deleting {@code location} removes whatever an interrupted attempt
   * left (deleting what does not exist is not an error).
   */
  record Incomplete(String location) implements Presence {
    public Incomplete {
      Objects.requireNonNull(location, "location");
    }
  }
}
