package io.scoutbot.catalog;

import java.util.Objects;

/**
 * A file about to be stored, before it has a code. Immutable.
 *
 * @param size its size in bytes when known, else -1 (a URL whose length is not announced)
 */
public record NewFile(long ownerId, String name, long size, String mimeType, String backend,
    FileStatus status) {

  public NewFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(status, "status");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name cannot be blank");
    }
  }
}
