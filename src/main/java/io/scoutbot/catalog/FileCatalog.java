package io.scoutbot.catalog;

import io.scoutbot.storage.StoredObject;
import java.util.List;
import java.util.Optional;

/**
 * The catalog of stored files. Lookups are always per owner: another user's code behaves exactly like
 * an unknown code. Implementations are thread-safe and safe across processes sharing one database.
 */
public interface FileCatalog {

  /**
   * Records a new file under a fresh code. Codes are unique across all users; the database enforces
   * it, and a clash is retried with a new code.
   */
  StoredFile register(NewFile file);

  /**
   * Moves a file to a new status, recording what was stored (on completion) or why it failed.
   * Deleted is final, and a completed file can only be deleted or completed again (a retried upload
   * of the same key): a late retry, cancel or failure never brings a deleted file back or
   * downgrades a stored one.
   *
   * @return whether the move happened; false when the file's current status forbids it
   * @throws io.scoutbot.retry.ScoutFailure when no file has this code
   */
  boolean transition(String code, FileStatus status, StoredObject stored, String error);

  /**
   * Marks the owner's file deleted in one step and returns it as it was stored (its remote path
   * included), or empty when the owner has no such file. Atomic against a concurrent completion:
   * either the completion lands first and the returned entry names its object, or the deletion
   * lands first and the completion is refused (the uploader then removes its own object). The
   * returned entry's remote path stays recorded until {@link #objectRemoved} is called, so an
   * object whose removal failed can be found again ({@link #deletedWithObjects}).
   */
  Optional<StoredFile> markDeleted(long ownerId, String code);

  /** Deleted files whose stored object has not been removed yet (oldest first, at most {@code limit}). */
  List<StoredFile> deletedWithObjects(int limit);

  /** Records that the stored object of the deleted file {@code code} is gone. */
  void objectRemoved(String code);

  /** The owner's file with this code, in any status but deleted. */
  Optional<StoredFile> find(long ownerId, String code);

  /** The owner's completed files, newest first. */
  List<StoredFile> list(long ownerId);

  /** The owner's statistics. */
  CatalogStats stats(long ownerId);
}
