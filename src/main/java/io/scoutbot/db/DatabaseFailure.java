package io.scoutbot.db;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.sql.SQLException;

/**
 * A statement failed: the database was busy, unreachable or refused it. Classified UNAVAILABLE, like
 * a storage outage: the queue keeps the work and waits the database out instead of spending a job's
 * retry attempts on it.
 */
public final class DatabaseFailure extends ScoutFailure {

  private DatabaseFailure(String message, SQLException cause) {
    super(message, Disposition.UNAVAILABLE, cause);
  }

  /** The failure of doing {@code what} (e.g. "cannot read the catalog"). */
  public static DatabaseFailure of(String what, SQLException e) {
    return new DatabaseFailure(
        "database error: " + what + " (" + e.getMessage() + "); the operation can be retried", e);
  }
}
