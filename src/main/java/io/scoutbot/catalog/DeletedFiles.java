package io.scoutbot.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The catalog's deletion side, thread-safe and safe across processes sharing one database: it
 * deletes a file's entry and remembers the file's stored object until the backend has removed it.
 * Apart from {@link FileCatalog} because only deleting a file and the sweep of leftover objects
 * need it.
 */
public interface DeletedFiles {

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

  /**
   * Records {@code location} as the stored object of the deleted file {@code code}: an upload that
   * finished after its file was deleted stored it, and {@link #deletedWithObjects} must find it if
   * removing it now fails. Does nothing unless the file is deleted and names no object yet.
   */
  void objectLeft(String code, String location);

  /** Records that the stored object of the deleted file {@code code} is gone. */
  void objectRemoved(String code);
}
