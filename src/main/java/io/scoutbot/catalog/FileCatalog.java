package io.scoutbot.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The catalog of stored files as their owners see it: registering a file, finding one, paging
 * through the stored ones, and statistics. Lookups are always per owner: another user's code behaves
 * exactly like an unknown code. The queue moves files through their states with {@link FileStates};
 * deleting is {@link DeletedFiles}. Implementations are thread-safe and safe across processes
 * sharing one database.
 */
public interface FileCatalog {

  /**
   * Records a new file under a fresh code. Codes are unique across all users; the database enforces
   * it, and a clash is retried with a new code.
   */
  StoredFile register(NewFile file);

  /** The owner's file with this code, in any status but deleted. */
  Optional<StoredFile> find(long ownerId, String code);

  /** The owner's completed files, newest first, from {@code offset}, at most {@code limit}. */
  List<StoredFile> page(long ownerId, int offset, int limit);

  /** The owner's statistics. */
  CatalogStats stats(long ownerId);
}
