package io.scoutbot.catalog;

import io.scoutbot.db.Columns;
import io.scoutbot.db.Database;
import io.scoutbot.db.DatabaseFailure;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.StoredObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The catalog, its state changes and its deletion side in the service's database (SQLite or PostgreSQL, same SQL).
 * Thread-safe: every call uses its own pooled connection and single statements, so processes
 * sharing the database see each other's changes at once.
 */
public final class JdbcFileCatalog implements FileCatalog, FileStates, DeletedFiles {

  /** Attempts to find a free code; with 2.2 billion codes, a second attempt is already rare. */
  static final int CODE_ATTEMPTS = 20;

  private static final String COLUMNS =
      "code, owner_id, name, size, sha256, mime_type, backend, remote_path, segments, status, error,"
          + " created_at, started_at, completed_at";

  private final Database db;
  private final Supplier<String> codes;
  private final InstantSource clock;

  public JdbcFileCatalog(Database db, Supplier<String> codes, InstantSource clock) {
    this.db = db;
    this.codes = codes;
    this.clock = clock;
  }

  @Override
  public StoredFile register(NewFile f) {
    try (Connection c = db.dataSource().getConnection()) {
      return register(c, f);
    } catch (SQLException e) {
      throw failure("cannot record " + f.name(), e);
    }
  }

  /**
   * Records a new file on {@code c}, a connection to this catalog's database, inside whatever
   * transaction the caller has open there: the entry commits or rolls back with the caller's own
   * writes (the upload queue registers a job's file in the transaction that inserts the job). A
   * code clash rolls back to a savepoint (PostgreSQL would otherwise abort the whole transaction)
   * and draws another code.
   *
   * @throws SQLException when the database fails; the caller rolls back
   */
  public StoredFile register(Connection c, NewFile f) throws SQLException {
    Instant now = clock.instant();
    boolean inTransaction = !c.getAutoCommit();
    for (int attempt = 1; attempt <= CODE_ATTEMPTS; attempt++) {
      String code = codes.get();
      Savepoint before = inTransaction ? c.setSavepoint() : null;
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO stored_file (code, owner_id, name, size, mime_type, backend, status,"
                  + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, code);
        ps.setLong(2, f.ownerId());
        ps.setString(3, f.name());
        ps.setLong(4, f.size());
        ps.setString(5, f.mimeType());
        ps.setString(6, f.backend());
        ps.setString(7, f.status().dbValue());
        ps.setLong(8, now.toEpochMilli());
        ps.executeUpdate();
        if (before != null) {
          c.releaseSavepoint(before);
        }
        return new StoredFile(code, f.ownerId(), f.name(), f.size(), null, f.mimeType(),
            f.backend(), null, 0, f.status(), null, now, null, null);
      } catch (SQLException e) {
        if (!db.dialect().isUniqueViolation(e)) {
          throw e;
        }
        if (before != null) {
          c.rollback(before);
        }
        // the code is taken: draw another
      }
    }
    throw new ScoutFailure(
        "no free file code found after " + CODE_ATTEMPTS + " attempts; the code space may be "
            + "exhausted or the code generator broken", Disposition.RETRY);
  }

  @Override
  public boolean transition(String code, FileStatus status, StoredObject stored, String error) {
    if (status == FileStatus.DELETED) {
      throw new IllegalArgumentException(
          "deleting is not a transition: use markDeleted, which reads the object in the same step");
    }
    long now = clock.millis();
    StringBuilder sql = new StringBuilder("UPDATE stored_file SET status = ?, error = ?");
    switch (status) {
      case UPLOADING -> sql.append(", started_at = ").append(now);
      case COMPLETED, FAILED -> sql.append(", completed_at = ").append(now);
      default -> {}
    }
    if (stored != null) {
      sql.append(", remote_path = ?, size = ?, sha256 = ?, segments = ?");
    }
    sql.append(" WHERE code = ? AND status <> 'deleted'");
    if (status != FileStatus.COMPLETED) {
      // a stored file is only ever deleted (markDeleted), or stored again (a retried upload)
      sql.append(" AND status <> 'completed'");
    }
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      ps.setString(i++, status.dbValue());
      if (error == null) {
        ps.setNull(i++, Types.VARCHAR);
      } else {
        ps.setString(i++, error);
      }
      if (stored != null) {
        ps.setString(i++, stored.location());
        ps.setLong(i++, stored.size());
        ps.setString(i++, stored.sha256());
        ps.setInt(i++, stored.segments());
      }
      ps.setString(i, code);
      if (ps.executeUpdate() == 1) {
        return true;
      }
      if (!exists(c, code)) {
        throw new ScoutFailure("no catalog entry with code " + code, Disposition.PERMANENT);
      }
      return false;
    } catch (SQLException e) {
      throw failure("cannot update " + code, e);
    }
  }

  private static boolean exists(Connection c, String code) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM stored_file WHERE code = ?")) {
      ps.setString(1, code);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public Optional<StoredFile> markDeleted(long ownerId, String code) {
    // one statement: it reads what the entry points to in the same step that deletes it, so a
    // completion cannot slip in between (remote_path is not changed, so RETURNING shows it)
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE stored_file SET status = 'deleted', error = NULL"
                + " WHERE owner_id = ? AND code = ? AND status <> 'deleted' RETURNING " + COLUMNS)) {
      ps.setLong(1, ownerId);
      ps.setString(2, code);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("cannot delete " + code, e);
    }
  }

  @Override
  public List<StoredFile> deletedWithObjects(int limit) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + COLUMNS + " FROM stored_file WHERE status = 'deleted'"
                + " AND remote_path IS NOT NULL ORDER BY created_at, code LIMIT " + limit);
        ResultSet rs = ps.executeQuery()) {
      return rows(rs);
    } catch (SQLException e) {
      throw failure("cannot read the catalog", e);
    }
  }

  @Override
  public void objectLeft(String code, String location) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE stored_file SET remote_path = ? WHERE code = ?"
                + " AND status = 'deleted' AND remote_path IS NULL")) {
      ps.setString(1, location);
      ps.setString(2, code);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("cannot update " + code, e);
    }
  }

  @Override
  public void objectRemoved(String code) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE stored_file SET remote_path = NULL WHERE code = ?"
                + " AND status = 'deleted'")) {
      ps.setString(1, code);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("cannot update " + code, e);
    }
  }

  @Override
  public Optional<StoredFile> find(long ownerId, String code) {
    List<StoredFile> rows =
        query("SELECT " + COLUMNS + " FROM stored_file WHERE owner_id = ? AND code = ?"
            + " AND status <> 'deleted'", ownerId, code);
    return rows.stream().findFirst();
  }

  @Override
  public List<StoredFile> page(long ownerId, int offset, int limit) {
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException("offset from 0 and limit from 1: " + offset + ", " + limit);
    }
    return query("SELECT " + COLUMNS + " FROM stored_file WHERE owner_id = ? AND status = ?"
        + " ORDER BY created_at DESC, code LIMIT " + limit + " OFFSET " + offset, ownerId,
        FileStatus.COMPLETED.dbValue());
  }

  @Override
  public void describe(String code, String name, long size, String mimeType) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE stored_file SET name = ?, size = ?, mime_type = ?"
                + " WHERE code = ? AND status IN ('pending', 'uploading')")) {
      ps.setString(1, name);
      ps.setLong(2, size);
      ps.setString(3, mimeType);
      ps.setString(4, code);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("cannot update " + code, e);
    }
  }

  @Override
  public CatalogStats stats(long ownerId) {
    long dayAgo = clock.instant().minus(Duration.ofDays(1)).toEpochMilli();
    String sql =
        "SELECT"
            + " SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN status = 'completed' THEN size ELSE 0 END),"
            + " SUM(CASE WHEN status IN ('completed', 'deleted', 'failed') AND completed_at >= ?"
            + "   THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN status IN ('completed', 'deleted') AND sha256 IS NOT NULL"
            + "   THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),"
            + " AVG(CASE WHEN status IN ('completed', 'deleted') AND started_at IS NOT NULL"
            + "   AND completed_at IS NOT NULL THEN completed_at - started_at END)"
            + " FROM stored_file WHERE owner_id = ?";
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, dayAgo);
      ps.setLong(2, ownerId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new CatalogStats(
            rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
            rs.getDouble(6) / 1000.0);
      }
    } catch (SQLException e) {
      throw failure("cannot compute statistics", e);
    }
  }

  private List<StoredFile> query(String sql, long ownerId, String arg) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, ownerId);
      ps.setString(2, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rows(rs);
      }
    } catch (SQLException e) {
      throw failure("cannot read the catalog", e);
    }
  }

  private static List<StoredFile> rows(ResultSet rs) throws SQLException {
    List<StoredFile> out = new ArrayList<>();
    while (rs.next()) {
      out.add(row(rs));
    }
    return out;
  }

  private static StoredFile row(ResultSet rs) throws SQLException {
    return new StoredFile(
        rs.getString("code"),
        rs.getLong("owner_id"),
        rs.getString("name"),
        rs.getLong("size"),
        rs.getString("sha256"),
        rs.getString("mime_type"),
        rs.getString("backend"),
        rs.getString("remote_path"),
        rs.getInt("segments"),
        FileStatus.fromDb(rs.getString("status")),
        rs.getString("error"),
        Columns.instant(rs, "created_at"),
        Columns.instant(rs, "started_at"),
        Columns.instant(rs, "completed_at"));
  }

  private static ScoutFailure failure(String what, SQLException e) {
    return DatabaseFailure.of(what, e);
  }
}
