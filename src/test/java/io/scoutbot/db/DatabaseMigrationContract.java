package io.scoutbot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.testing.LogCapture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Opening a database migrates it only when its schema is behind this build, on every database the
 * service supports: a current schema skips Flyway, an older one, a failed migration or a new
 * database go through it, and several openers at once on a new database all end up with one schema.
 */
@Timeout(120)
abstract class DatabaseMigrationContract {

  private static final String SKIPPED = "Database schema is current (version %s); migrations skipped";

  private String url;

  /** A JDBC URL of an empty database (or schema) for this test. */
  protected abstract String freshDatabaseUrl();

  /** Removes what {@link #freshDatabaseUrl()} created, if the database keeps it. */
  protected void dropDatabase(String url) {}

  @BeforeEach
  void fresh() {
    url = freshDatabaseUrl();
  }

  @AfterEach
  void drop() {
    dropDatabase(url);
  }

  @Test
  void open_newDatabase_migratesToTheNewestVersionThisBuildCarries() throws SQLException {
    try (LogCapture log = LogCapture.of(Database.class);
        Database db = Database.open(url)) {
      assertThat(appliedVersions(db)).last().isEqualTo(bundled());
      assertThat(log.messages()).doesNotContain(SKIPPED.formatted(bundled()));
    }
  }

  @Test
  void open_currentSchema_skipsFlyway_andTheSchemaStaysUsable() throws SQLException {
    Database.open(url).close();

    try (LogCapture log = LogCapture.of(Database.class);
        Database db = Database.open(url)) {
      assertThat(log.messages()).contains(SKIPPED.formatted(bundled()));
      assertThat(appliedVersions(db)).doesNotHaveDuplicates().last().isEqualTo(bundled());
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM upload_job")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void open_olderSchema_runsTheMissingMigrations() throws SQLException {
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
        .target("2").load().migrate();

    try (LogCapture log = LogCapture.of(Database.class);
        Database db = Database.open(url)) {
      assertThat(log.messages()).doesNotContain(SKIPPED.formatted(bundled()));
      assertThat(appliedVersions(db)).last().isEqualTo(bundled());
    }
  }

  @Test
  void open_historyRecordingAFailedMigration_isLeftToFlyway_whichRefusesToStart()
      throws SQLException {
    try (Database db = Database.open(url);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      // what a migration that failed half-way on a database without transactional DDL leaves
      s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type,"
          + " script, checksum, installed_by, execution_time, success) VALUES (99, '"
          + bundled() + "', 'half done', 'SQL', 'V" + bundled() + "__half_done.sql', 0, 'test',"
          + " 0, " + falseLiteral() + ")");
    }

    assertThatThrownBy(() -> Database.open(url).close())
        .isInstanceOf(ScoutFailure.class)
        .hasMessageContaining("cannot migrate the database schema");
  }

  @Test
  void open_severalAtOnceOnANewDatabase_allSucceed_andEachMigrationIsAppliedOnce()
      throws Exception {
    int openers = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(openers);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int i = 0; i < openers; i++) {
        Callable<List<String>> open = () -> {
          start.await();
          try (Database db = Database.open(url)) {
            return appliedVersions(db);
          }
        };
        results.add(pool.submit(open));
      }
      start.countDown();
      for (Future<List<String>> r : results) {
        assertThat(r.get()).doesNotHaveDuplicates().last().isEqualTo(bundled());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The literal for a false boolean column: SQLite stores Flyway's booleans as integers. */
  protected abstract String falseLiteral();

  private static String bundled() {
    return SchemaVersion.bundled().orElseThrow().toString();
  }

  private static List<String> appliedVersions(Database db) throws SQLException {
    List<String> versions = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                + " ORDER BY installed_rank")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }
}
