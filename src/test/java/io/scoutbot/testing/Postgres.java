package io.scoutbot.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to the real PostgreSQL server for tests. The server comes from {@code SCOUTBOT_TEST_PG_URL}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}, the server this machine
 * kind runs with trust auth). When it cannot be reached the test is skipped with a message, unless
 * {@code SCOUTBOT_TEST_PG_REQUIRED=true} (set by {@code .ci/run}), in which case it fails.
 */
public final class Postgres {

  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  private Postgres() {}

  public static String serverUrl() {
    String url = System.getenv("SCOUTBOT_TEST_PG_URL");
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("SCOUTBOT_TEST_PG_REQUIRED"));
  }

  /**
   * A JDBC URL for a fresh, empty schema on the test server, so tests never see each other's tables.
   * Skips (or fails, in CI) when the server is absent.
   */
  public static String freshSchemaUrl() {
    String schema =
        "t_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(serverUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String msg =
          "PostgreSQL is not reachable at " + serverUrl() + " (" + e.getMessage() + "); set "
              + "SCOUTBOT_TEST_PG_URL or start the server to run this test";
      if (required()) {
        throw new AssertionError(msg + " — it is required here (SCOUTBOT_TEST_PG_REQUIRED=true)", e);
      }
      Assumptions.abort(msg);
    }
    String sep = serverUrl().contains("?") ? "&" : "?";
    return serverUrl() + sep + "currentSchema=" + schema;
  }

  /** Drops the schema behind a URL from {@link #freshSchemaUrl()}, with everything in it. */
  public static void dropSchema(String url) {
    int at = url.lastIndexOf("currentSchema=");
    if (at < 0) {
      return;
    }
    String schema = url.substring(at + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(serverUrl());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      // a leftover empty schema is harmless; the next run uses a new random name
    }
  }
}
