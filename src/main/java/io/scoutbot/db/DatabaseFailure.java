package io.scoutbot.db;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.sql.SQLException;

/**
 * A statement failed: the database was busy, unreachable or refused it. Transient as far as the
 * caller can tell, so the operation may be retried.
 */
public final class DatabaseFailure extends ScoutFailure {

  private DatabaseFailure(String message, SQLException cause) {
    super(message, Disposition.RETRY, cause);
  }

  /** The failure of doing {@code what} (e.g. "cannot read the catalog"). */
  public static DatabaseFailure of(String what, SQLException e) {
    return new DatabaseFailure(
        "database error: " + what + " (" + e.getMessage() + "); the operation can be retried", e);
  }
}
