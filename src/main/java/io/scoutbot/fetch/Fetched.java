package io.scoutbot.fetch;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A fetched file, complete on local disk. Immutable.
 *
 * @param file where the bytes are: inside the job's directory, or a local source in place
 * @param name the file's name for the user (already cleaned of path parts)
 * @param size its size in bytes
 * @param mimeType its content type when the source said, else null
 */
public record Fetched(Path file, String name, long size, String mimeType) {

  public Fetched {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    if (size < 0) {
      throw new IllegalArgumentException("size cannot be negative: " + size);
    }
  }
}
