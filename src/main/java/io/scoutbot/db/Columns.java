package io.scoutbot.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Reads the column types our schema uses the same way on SQLite and PostgreSQL. Stateless. */
public final class Columns {

  private Columns() {}

  /** An epoch-milliseconds column as an instant, or null when the column is NULL. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
