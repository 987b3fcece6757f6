package io.scoutbot.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.scoutbot.config.Redaction;
import io.scoutbot.health.HealthCheck;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and schema of the service's database. Opening it runs the versioned migrations
 * (the same versions on SQLite and PostgreSQL) unless the schema is already current; a deferred
 * database opens at its first use. Thread-safe; close it once at shutdown.
 */
public final class Database implements AutoCloseable, HealthCheck {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** How long a SQLite statement waits for another connection's write lock before failing. */
  public static final Duration BUSY_TIMEOUT = Duration.ofSeconds(30);
  /** How long a caller waits for a pooled connection before failing. */
  public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(30);
  /** The longest one statement may wait for the database before it fails: pool, then lock. */
  public static final Duration LONGEST_WAIT = CONNECTION_TIMEOUT.plus(BUSY_TIMEOUT);

  private final String jdbcUrl;
  private final Dialect dialect;
  private final String displayUrl;
  private volatile HikariDataSource pool;
  private volatile DataSource watched;
  private boolean closed;

  private Database(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
    this.dialect = Dialect.of(jdbcUrl);
    this.displayUrl = Redaction.url(jdbcUrl);
  }

  /**
   * Connects to {@code jdbcUrl} and migrates the schema now.
   *
   * @throws ScoutFailure when the database cannot be reached or migrated
   */
  public static Database open(String jdbcUrl) {
    Database db = new Database(jdbcUrl);
    db.dataSource();
    return db;
  }

  /**
   * A database that connects and migrates at its first use, not before: components can be built
   * (and {@code status} can report a database that is down) without a connection. A first use that
   * fails throws, and the next use tries again.
   */
  public static Database deferred(String jdbcUrl) {
    return new Database(jdbcUrl);
  }

  /** Whether the pool has been opened (a deferred database that was never used has not). */
  public boolean opened() {
    return pool != null;
  }

  /**
   * The connection pool, opened (and the schema migrated) at the first call.
   *
   * @throws ScoutFailure when the database cannot be reached or migrated; the next call tries again
   */
  public DataSource dataSource() {
    DataSource w = watched;
    if (w != null) {
      return w;
    }
    synchronized (this) {
      if (closed) {
        throw new ScoutFailure("the database " + displayUrl + " is closed (ScoutBot is stopping)",
            Disposition.RETRY);
      }
      if (pool == null) {
        pool = connect(jdbcUrl);
        watched = new WatchedDataSource(pool, displayUrl, CONNECTION_TIMEOUT);
      }
      return watched;
    }
  }

  /**
   * Connects to {@code jdbcUrl} and migrates the schema. SQLite runs in WAL mode with a busy timeout
   * and immediate write transactions, so a CLI command and a running {@code serve} can share the file.
   */
  private static HikariDataSource connect(String jdbcUrl) {
    Dialect dialect = Dialect.of(jdbcUrl);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(jdbcUrl);
    hc.setPoolName("scoutbot-db");
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    if (dialect == Dialect.SQLITE) {
      createParent(jdbcUrl.substring("jdbc:sqlite:".length()));
      hc.setMaximumPoolSize(4);
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("synchronous", "NORMAL");
      hc.addDataSourceProperty("busy_timeout", String.valueOf(BUSY_TIMEOUT.toMillis()));
      hc.addDataSourceProperty("foreign_keys", "true");
      // BEGIN IMMEDIATE: a write transaction takes the lock up front instead of failing with
      // SQLITE_BUSY when it upgrades from read to write under contention
      hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      hc.setMaximumPoolSize(8);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      String root = Redaction.scrub(rootMessage(e), jdbcUrl);
      throw new ScoutFailure(
          "cannot open the database " + Redaction.url(jdbcUrl) + ": " + (diskFull(e)
              ? "the disk holding it is full; free some space there, then try again"
              : root + "; check DATABASE_URL and that the database server is running"),
          Disposition.RETRY, e);
    }
    try {
      migrate(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw new ScoutFailure(
          "cannot migrate the database schema of " + Redaction.url(jdbcUrl) + ": "
              + Redaction.scrub(rootMessage(e), jdbcUrl),
          Disposition.PERMANENT, e);
    }
    return pool;
  }

  /**
   * Runs Flyway only when the schema is not at the newest migration this build carries. A one-shot
   * command starts a JVM each time, and Flyway's classpath scan and validation cost more than the
   * command itself; the comparison costs one query. Several processes starting together on an old
   * schema all run Flyway, which serialises them as it always did (PostgreSQL: an advisory lock;
   * SQLite: the database's write lock), and a history row is written in the same transaction as its
   * migration, so a process that sees the newest version sees its tables too.
   */
  private static void migrate(DataSource pool) {
    Optional<SchemaVersion> bundled = SchemaVersion.bundled();
    if (SchemaVersion.isCurrent(pool, bundled)) {
      log.debug("Database schema is current (version {}); migrations skipped", bundled.get());
      return;
    }
    Flyway.configure()
        .dataSource(pool)
        .locations("classpath:" + SchemaVersion.LOCATION)
        .loggers("slf4j")
        .load()
        .migrate();
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The URL without credentials, for logs and status. */
  public String displayUrl() {
    return displayUrl;
  }

  @Override
  public Health check() {
    DataSource ds;
    try {
      ds = dataSource();
    } catch (ScoutFailure e) {
      return Health.down(e.getMessage());
    }
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return Health.up(displayUrl);
    } catch (SQLException e) {
      return Health.down(displayUrl + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.close();
    }
  }

  /** Whether {@code t} says the disk is full (SQLite's SQLITE_FULL, or the OS's ENOSPC). */
  static boolean diskFull(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage() == null ? "" : c.getMessage();
      if (m.contains("SQLITE_FULL") || m.contains("database or disk is full")
          || m.contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  private static void createParent(String file) {
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new ScoutFailure(
          "cannot create the database folder " + parent + ": " + e.getMessage()
              + "; check DATA_DIR or DATABASE_URL and the folder's permissions",
          Disposition.PERMANENT, e);
    }
  }
}
