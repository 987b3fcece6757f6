package io.scoutbot.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.retry.Disposition;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** A database that is away is waited out; a statement it refuses is not. */
class DatabaseFailureTest {

  @ParameterizedTest(name = "SQLState {0} -> unavailable={1}")
  @CsvSource({
    "08001, true", // PostgreSQL: cannot connect
    "08006, true", // connection lost
    "57P01, true", // server shut down by its administrator (a restart)
    "53300, true", // too many connections
    "40001, true", // serialization failure
    "23505, false", // unique violation: a bug, waiting never helps
    "42P01, false", // missing table: a schema problem
  })
  void postgresStates(String state, boolean unavailable) {
    DatabaseFailure f = DatabaseFailure.of("cannot settle", new SQLException("x", state));

    assertThat(f.unavailable()).isEqualTo(unavailable);
    assertThat(f.disposition().kind())
        .isEqualTo(unavailable ? Disposition.Kind.UNAVAILABLE : Disposition.Kind.RETRY);
  }

  @Test
  void poolTimeout_andSqliteBusy_areUnavailable_aConstraintIsNot() {
    assertThat(DatabaseFailure.of("x",
        new SQLTransientConnectionException("scoutbot-db - Connection is not available"))
        .unavailable()).isTrue();
    assertThat(DatabaseFailure.of("x",
        new SQLiteException("database is locked", SQLiteErrorCode.SQLITE_BUSY)).unavailable())
        .isTrue();
    assertThat(DatabaseFailure.of("x",
        new SQLiteException("UNIQUE constraint failed", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE))
        .unavailable()).isFalse();
    assertThat(DatabaseFailure.of("x", new SQLIntegrityConstraintViolationException("dup"))
        .unavailable()).isFalse();
  }

  @Test
  void aCauseDeeperDown_counts() {
    SQLException wrapper = new SQLException("batch failed");
    wrapper.initCause(new SQLException("I/O error", "08006"));

    assertThat(DatabaseFailure.of("x", wrapper).unavailable()).isTrue();
  }
}
