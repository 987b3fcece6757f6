package io.scoutbot.db;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * A statement failed. When the database was unreachable, busy or out of resources (a failure that
 * passes) it is classified UNAVAILABLE, like a storage outage: the queue keeps the work and waits
 * the database out instead of spending a job's retry attempts on it. Any other failure (a constraint,
 * a schema problem) will not pass by waiting, and is classified RETRY: counted, and final after the
 * retry limit. Immutable.
 */
public final class DatabaseFailure extends ScoutFailure {

  /**
   * SQLite result codes that pass: BUSY, LOCKED, IOERR, FULL, CANTOPEN (another process holds the
   * lock; a full or flaky disk).
   */
  private static final Set<Integer> SQLITE_PASSING = Set.of(5, 6, 10, 13, 14);

  private DatabaseFailure(String message, Disposition disposition, SQLException cause) {
    super(message, disposition, cause);
  }

  /** The failure of doing {@code what} (e.g. "cannot read the catalog"). */
  public static DatabaseFailure of(String what, SQLException e) {
    boolean passes = passes(e);
    return new DatabaseFailure("database error: " + what + " (" + describe(e) + ")"
        + (passes ? "; the operation can be retried once the database answers" : ""),
        passes ? Disposition.UNAVAILABLE : Disposition.RETRY, e);
  }

  /** What went wrong, in words an operator acts on: a full disk is said as such. */
  static String describe(SQLException e) {
    return Database.diskFull(e) ? "the disk holding the database is full; free some space there"
        : e.getMessage();
  }

  /** Whether the database was unavailable rather than refusing this statement. */
  public boolean unavailable() {
    return disposition().kind() == Disposition.Kind.UNAVAILABLE;
  }

  /**
   * Connection failures (SQLState class 08, the pool's timeout), transaction rollbacks (40),
   * insufficient resources (53), operator intervention such as a server restart (57), and SQLite's
   * busy/locked/disk codes.
   */
  static boolean passes(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if (state != null && state.length() >= 2
            && Set.of("08", "40", "53", "57").contains(state.substring(0, 2))) {
          return true;
        }
        if (s.getClass().getName().startsWith("org.sqlite.")
            && SQLITE_PASSING.contains(s.getErrorCode() & 0xff)) {
          return true;
        }
      }
    }
    return false;
  }
}
