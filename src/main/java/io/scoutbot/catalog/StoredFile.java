package io.scoutbot.catalog;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the catalog, as read. Immutable.
 *
 * @param code the 6-character code users refer to the file by
 * @param name the user's original file name (never a temp name)
 * @param sha256 hex digest of the stored bytes; null until stored
 * @param remotePath the backend's location; null until stored
 * @param startedAt when bytes started to move; null while pending
 * @param completedAt when it was stored or failed; null before
 */
public record StoredFile(
    String code,
    long ownerId,
    String name,
    long size,
    String sha256,
    String mimeType,
    String backend,
    String remotePath,
    int segments,
    FileStatus status,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt) {

  public StoredFile {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
