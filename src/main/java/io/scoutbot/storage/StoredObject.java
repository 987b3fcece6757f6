package io.scoutbot.storage;

import java.util.Objects;

/**
 * What a backend stored. Immutable.
 *
 * @param location the backend's address of the object, recorded in the catalog and passed back to
 *     {@link StorageTarget#download} and {@link StorageTarget#delete}
 * @param segments number of data objects behind it (1 for a plain object, more when segmented, 0 for
 *     an empty file that needs no remote object)
 */
public record StoredObject(String location, long size, String sha256, int segments) {

  public StoredObject {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(sha256, "sha256");
    if (size < 0 || segments < 0) {
      throw new IllegalArgumentException("size and segments cannot be negative");
    }
  }
}
