package io.scoutbot.queue;

import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.catalog.NewFile;
import java.net.URLConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Registers a job's file in the catalog (status pending) inside the transaction that inserts the
 * job, so the user learns its code at once and a job never exists without its catalog entry, nor
 * an entry without its job. The queue's one seam to the catalog, which keeps the catalog's table
 * out of the queue and lets tests make registration fail. Implementations are thread-safe.
 */
@FunctionalInterface
public interface CodeRegistrar {

  /**
   * Registers the job's file on {@code tx}, the queue's open transaction, and returns its code.
   *
   * @throws SQLException when the database fails; the whole submission is rolled back
   */
  String register(Connection tx, Job job) throws SQLException;

  /**
   * Registration in {@code catalog} (the queue's own database), under the job's original name and
   * destination.
   */
  static CodeRegistrar catalog(JdbcFileCatalog catalog) {
    return (tx, job) -> {
      String mime = URLConnection.guessContentTypeFromName(job.name());
      return catalog
          .register(tx, new NewFile(job.ownerId(), job.name(), job.size(),
              mime == null ? "application/octet-stream" : mime, job.destination(),
              FileStatus.PENDING))
          .code();
    };
  }
}
