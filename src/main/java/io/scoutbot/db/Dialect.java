package io.scoutbot.db;

import java.sql.SQLException;
import java.util.Locale;

/**
 * What differs between the two supported databases, and nothing more. Stateless.
 */
public enum Dialect {
  SQLITE,
  POSTGRESQL;

  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("unsupported database URL: " + jdbcUrl);
  }

  /** Returns whether {@code e} reports a violated primary-key or unique constraint. */
  public boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        if (this == POSTGRESQL && "23505".equals(s.getSQLState())) {
          return true;
        }
        String m = String.valueOf(s.getMessage()).toUpperCase(Locale.ROOT);
        // SQLite: result code 19 (SQLITE_CONSTRAINT) with the constraint kind in the message
        if (this == SQLITE && s.getErrorCode() == 19
            && (m.contains("UNIQUE") || m.contains("PRIMARY KEY"))) {
          return true;
        }
      }
    }
    return false;
  }
}
