package io.scoutbot.files;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored file as its owner sees it. Immutable.
 *
 * @param code the 6-character code the owner refers to the file by
 * @param name the owner's name for the file
 * @param size bytes; -1 while unknown (a URL still being fetched)
 * @param sha256 hex digest of the stored bytes; null until stored
 * @param mimeType the content type recorded with the file
 * @param backend where its bytes live: {@code local} or {@code pentaract}
 * @param remotePath the backend's location; null until stored
 * @param segments data objects behind it (segmented storage), 0 for an empty file
 * @param state where it is in its life
 * @param error why it failed, for its owner; null otherwise
 * @param createdAt when its owner asked
 * @param startedAt when bytes started to move; null before
 * @param completedAt when it was stored or failed; null before
 */
public record FileView(
    String code,
    String name,
    long size,
    String sha256,
    String mimeType,
    String backend,
    String remotePath,
    int segments,
    State state,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt) {

  /** Where a file is in its life; only {@link #COMPLETED} files can be downloaded. */
  public enum State {
    /** Accepted, waiting for its turn. */
    PENDING,
    /** Bytes are moving to the backend. */
    UPLOADING,
    /** Stored and verified. */
    COMPLETED,
    /** Could not be stored; {@code error} says why. */
    FAILED;

    /** The lower-case name shown in output ({@code completed}). */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public FileView {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Whether the file is stored and can be downloaded. */
  public boolean stored() {
    return state == State.COMPLETED;
  }
}
