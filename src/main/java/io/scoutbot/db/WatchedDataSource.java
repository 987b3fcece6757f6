package io.scoutbot.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, telling the operator once, in the service's own words, when the database
 * stops answering and once when it answers again (the pool's own warnings point at the wrong
 * things). Thread-safe: callers on every thread report through it.
 */
final class WatchedDataSource implements DataSource {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(WatchedDataSource.class);

  private final DataSource pool;
  private final String name;
  private final Duration wait;
  private long downSinceNanos;
  private boolean down;

  WatchedDataSource(DataSource pool, String name, Duration wait) {
    this.pool = pool;
    this.name = name;
    this.wait = wait;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      Connection c = pool.getConnection();
      answered();
      return c;
    } catch (SQLException e) {
      failed(e);
      throw e;
    }
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("connections come from the pool's own settings");
  }

  private synchronized void failed(SQLException e) {
    if (down || !DatabaseFailure.passes(e)) {
      return;
    }
    down = true;
    downSinceNanos = System.nanoTime();
    log.warn("Database {} unreachable ({}); jobs keep their leases and files, and every operation"
        + " retries (waiting up to {} s for a connection) until it answers", name,
        DatabaseFailure.describe(e), wait.toSeconds());
  }

  private void answered() {
    if (!down) {
      return; // the common case: no lock taken
    }
    synchronized (this) {
      if (down) {
        down = false;
        log.info("Database {} answers again after {} s; work goes on", name,
            Duration.ofNanos(System.nanoTime() - downSinceNanos).toSeconds());
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(pool) ? iface.cast(pool) : pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(pool) || pool.isWrapperFor(iface);
  }
}
