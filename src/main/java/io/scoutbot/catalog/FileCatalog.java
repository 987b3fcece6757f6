package io.scoutbot.catalog;

import io.scoutbot.storage.StoredObject;
import java.util.List;
import java.util.Optional;

/**
 * The catalog of stored files. Lookups are always per owner: another user's code behaves exactly like
 * an unknown code. Deleting files is the separate {@link DeletedFiles} port. Implementations are
 * thread-safe and safe across processes sharing one database.
 */
public interface FileCatalog {

  /**
   * Records a new file under a fresh code. Codes are unique across all users; the database enforces
   * it, and a clash is retried with a new code.
   */
  StoredFile register(NewFile file);

  /**
   * Moves a file to a new status, recording what was stored (on completion) or why it failed.
   * Deleted is final, and a completed file can only be completed again (a retried upload of the same
   * key): a late retry, cancel or failure never brings a deleted file back or downgrades a stored
   * one. Deleting is not a transition: {@link DeletedFiles#markDeleted} does it.
   *
   * @return whether the move happened; false when the file's current status forbids it
   * @throws io.scoutbot.retry.ScoutFailure when no file has this code
   * @throws IllegalArgumentException for {@link FileStatus#DELETED}
   */
  boolean transition(String code, FileStatus status, StoredObject stored, String error);

  /** The owner's file with this code, in any status but deleted. */
  Optional<StoredFile> find(long ownerId, String code);

  /** The owner's completed files, newest first. */
  List<StoredFile> list(long ownerId);

  /** The owner's statistics. */
  CatalogStats stats(long ownerId);
}
