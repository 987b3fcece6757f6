package io.scoutbot.storage;

import io.scoutbot.transfer.Progress;
import java.nio.file.Path;

/**
 * A place that keeps stored files' bytes. Implementations are thread-safe, stream in both directions
 * (memory held never depends on file size), and are idempotent per key: uploading the same key again
 * after a crash either finds the complete object or replaces a partial one, never duplicates it.
 *
 * <p>Failures are {@link StorageException}s carrying a {@link io.scoutbot.retry.Disposition}: an
 * unreachable backend is {@code UNAVAILABLE} (keep the work, retry later), a rejected file or bad
 * credentials {@code PERMANENT}.
 */
public interface StorageTarget {

  /** Short backend name recorded in the catalog: {@code "local"} or {@code "pentaract"}. */
  String name();

  /**
   * Stores the file {@code request.source()} under {@code request.key()}. Blocks until the object is
   * complete on the backend.
   *
   * @return where the object is and what was stored (size and SHA-256 of the bytes sent)
   */
  StoredObject upload(UploadRequest request);

  /**
   * Writes the object at {@code location} to the file {@code target} (created or truncated), as the
   * bytes arrive. The caller owns {@code target}: it is normally a temp file renamed after checks.
   *
   * @return size and SHA-256 of what was written
   */
  Received download(String location, Path target, Progress progress);

  /** Deletes the object (every part of it); deleting what does not exist is not an error. */
  void delete(String location);

  /**
   * Where a file of {@code size} bytes stored under {@code key} lives, whole or in part: what
   * {@link #delete} removes, found without reading anything (for a cancelled job's cleanup). The
   * default asks {@link #presence}; backends that know their layout answer directly.
   */
  default String locationOf(String key, long size) {
    return switch (presence(key, size, null)) {
      case Presence.Complete c -> c.object().location();
      case Presence.Incomplete i -> i.location();
    };
  }

  /**
   * What the backend holds under {@code key} for a file of {@code size} bytes: the complete object
   * an earlier attempt stored (a worker that died before recording it, an answer that was lost),
   * or not. The queue asks before it declares a job failed and when it takes a job over, so the
   * outcome a user is told is the storage's truth. For a segmented object every segment and the
   * manifest are checked.
   *
   * @param source the local file that was being stored, hashed for the record when the backend
   *     keeps no digest of its own; may be null or missing (then the stored object itself is read
   *     to hash it: a complete object never reads as incomplete for want of a local copy)
   */
  Presence presence(String key, long size, Path source);
}
