package io.scoutbot.catalog;

import java.util.Locale;

/** Where a stored file is in its life. Only {@link #COMPLETED} files can be downloaded. */
public enum FileStatus {
  /** Accepted; waiting for its turn (queued). */
  PENDING,
  /** Bytes are moving to the backend. */
  UPLOADING,
  /** Stored and verified; listed and downloadable. */
  COMPLETED,
  /** Could not be stored; {@code error} says why. */
  FAILED,
  /** Deleted by its owner. */
  DELETED;

  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FileStatus fromDb(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
