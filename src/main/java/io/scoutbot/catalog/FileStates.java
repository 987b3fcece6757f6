package io.scoutbot.catalog;

import io.scoutbot.storage.StoredObject;

/**
 * The upload queue's side of the catalog: moving a file through its states as its job runs, and
 * recording what fetching learned about it. Implementations are thread-safe and safe across
 * processes sharing one database.
 */
public interface FileStates {

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

  /**
   * Records the name, size and type fetching found for a file that is not stored yet (a server
   * named it, a URL's size became known). Does nothing to a stored or deleted file.
   */
  void describe(String code, String name, long size, String mimeType);
}
