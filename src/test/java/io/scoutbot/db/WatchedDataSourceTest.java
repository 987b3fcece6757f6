package io.scoutbot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.testing.LogCapture;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** A database outage is told once in the service's words, and once when it is over. */
class WatchedDataSourceTest {

  private final AtomicBoolean away = new AtomicBoolean();

  private DataSource pool() {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection")) {
            if (away.get()) {
              throw new SQLTransientConnectionException(
                  "scoutbot-db - Connection is not available, request timed out after 30000ms");
            }
            return Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, a) -> null);
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void anOutage_isLoggedOnceWhenItBegins_andOnceWhenItEnds() throws Exception {
    WatchedDataSource ds = new WatchedDataSource(pool(), "jdbc:postgresql://db/scoutbot",
        Duration.ofSeconds(30));
    try (LogCapture logs = LogCapture.of(WatchedDataSource.class)) {
      ds.getConnection();
      away.set(true);
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
      }
      away.set(false);
      ds.getConnection();
      ds.getConnection();

      assertThat(logs.messages()).hasSize(2);
      assertThat(logs.messages().get(0)).startsWith(
          "Database jdbc:postgresql://db/scoutbot unreachable (scoutbot-db - Connection is not"
              + " available").contains("jobs keep their leases and files")
          .contains("waiting up to 30 s");
      assertThat(logs.messages().get(1)).startsWith(
          "Database jdbc:postgresql://db/scoutbot answers again after");
    }
  }

  @Test
  void aFullDisk_isSaidAsSuch_notAsABadDatabaseUrl() {
    SQLException full = new SQLiteException("[SQLITE_FULL] Insertion failed because database is"
        + " full (database or disk is full)", SQLiteErrorCode.SQLITE_FULL);

    DatabaseFailure f = DatabaseFailure.of("cannot record the upload of a.bin", full);

    assertThat(f.getMessage()).isEqualTo("database error: cannot record the upload of a.bin"
        + " (the disk holding the database is full; free some space there); the operation can"
        + " be retried once the database answers");
    assertThat(f.unavailable()).isTrue();
  }
}
