package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.db.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The queue contract on SQLite, the embedded default; always runs. */
class SqliteUploadQueueTest extends UploadQueueContract {

  @Override
  protected String databaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("queue.db");
  }

  @Test
  void upgrade_cancelsLegacyJobsLeftWithoutACode_soTheyNeverRunUnderACodeNobodySaw()
      throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("legacy.db");
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
        .target("2").load().migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().execute("INSERT INTO upload_job (id, owner_id, source_kind, source_ref,"
          + " source_owned, name, destination, state, attempts, failures, next_attempt_at,"
          + " progress_bytes, version, created_at) VALUES (1, 1, 'local_file', '/tmp/x.upload',"
          + " 1, 'x', 'local', 'pending', 0, 0, 5, 0, 0, 5)");
    }

    try (Database upgraded = Database.open(url);
        Connection c = upgraded.dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT state, finished_at, last_error FROM upload_job WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("state")).isEqualTo("cancelled");
      assertThat(rs.getLong("finished_at")).isEqualTo(5);
      assertThat(rs.getString("last_error")).startsWith("never registered");
    }
  }
}
