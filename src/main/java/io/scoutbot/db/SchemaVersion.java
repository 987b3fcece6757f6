package io.scoutbot.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A Flyway schema version ({@code 1}, {@code 2.1}), and the two readings that tell whether a database
 * is already current: the newest versioned migration this build carries, and the newest one the
 * database's {@code flyway_schema_history} records. Comparing them costs one small resource and
 * one query, where Flyway itself loads some 400 classes and scans the classpath on every start.
 * Immutable; the readings are stateless.
 *
 * <p>When anything is unclear (no history table, a failed migration in it, a repeatable migration in
 * the build, a missing index) the answer is "not current", and Flyway decides as it always did.
 */
record SchemaVersion(List<Long> parts) implements Comparable<SchemaVersion> {

  static final String LOCATION = "db/migration";
  /** The hand-kept list of the files in {@link #LOCATION}; beside it, so Flyway never reads it. */
  static final String INDEX = "db/migrations.txt";
  private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");
  private static final Pattern REPEATABLE = Pattern.compile("R__.+\\.sql");

  SchemaVersion {
    parts = List.copyOf(parts);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a schema version has at least one part");
    }
  }

  /** Parses Flyway's notation: numbers separated by dots (or underscores, in file names). */
  static SchemaVersion parse(String text) {
    String[] pieces = text.strip().split("[._]");
    return new SchemaVersion(Arrays.stream(pieces).map(Long::valueOf).toList());
  }

  /** Flyway's order: part by part, missing parts count as 0 ({@code 1} equals {@code 1.0}). */
  @Override
  public int compareTo(SchemaVersion other) {
    int n = Math.max(parts.size(), other.parts.size());
    for (int i = 0; i < n; i++) {
      long a = i < parts.size() ? parts.get(i) : 0;
      long b = i < other.parts.size() ? other.parts.get(i) : 0;
      if (a != b) {
        return Long.compare(a, b);
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return String.join(".", parts.stream().map(String::valueOf).toList());
  }

  /**
   * The newest versioned migration among file names under {@value #LOCATION}; empty when there is
   * none, or when a repeatable migration is among them (it re-runs whenever it changes, which only
   * Flyway can tell).
   */
  static Optional<SchemaVersion> newestOf(List<String> fileNames) {
    SchemaVersion newest = null;
    for (String name : fileNames) {
      if (REPEATABLE.matcher(name).matches()) {
        return Optional.empty();
      }
      Matcher m = VERSIONED.matcher(name);
      if (m.matches()) {
        SchemaVersion v = parse(m.group(1));
        if (newest == null || v.compareTo(newest) > 0) {
          newest = v;
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  /**
   * The newest migration this build carries, from the index {@value #INDEX} (the file names under
   * {@value #LOCATION}, one a line; {@code #} starts a comment). One small resource instead of a
   * walk through the jar's whole central directory, which cost about 30 ms of every one-shot
   * command. Empty when the index is missing or unreadable, so Flyway decides.
   */
  static Optional<SchemaVersion> bundled() {
    return indexed().flatMap(SchemaVersion::newestOf);
  }

  /** The file names the index {@value #INDEX} lists; empty when it is missing or unreadable. */
  static Optional<List<String>> indexed() {
    try (InputStream in = SchemaVersion.class.getClassLoader().getResourceAsStream(INDEX)) {
      if (in == null) {
        return Optional.empty();
      }
      List<String> names = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
        String name = line.strip();
        if (!name.isEmpty() && !name.startsWith("#")) {
          names.add(name);
        }
      }
      return Optional.of(names);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The newest version the database records as applied; empty when it has no history table yet, or
   * when the history holds a failed migration (Flyway must report or repair that).
   */
  static Optional<SchemaVersion> applied(DataSource db) {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history")) {
      SchemaVersion newest = null;
      while (rs.next()) {
        if (!rs.getBoolean("success")) {
          return Optional.empty();
        }
        String v = rs.getString("version");
        if (v != null) {
          SchemaVersion version = parse(v);
          if (newest == null || version.compareTo(newest) > 0) {
            newest = version;
          }
        }
      }
      return Optional.ofNullable(newest);
    } catch (SQLException | NumberFormatException e) {
      // no history table yet (a new database), or one this code does not understand
      return Optional.empty();
    }
  }

  /** Whether {@code db} records exactly the newest migration this build carries. */
  static boolean isCurrent(DataSource db, Optional<SchemaVersion> bundled) {
    if (bundled.isEmpty()) {
      return false;
    }
    Optional<SchemaVersion> applied = applied(db);
    return applied.isPresent() && applied.get().compareTo(bundled.get()) == 0;
  }
}
