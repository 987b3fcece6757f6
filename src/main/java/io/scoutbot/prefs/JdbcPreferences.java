package io.scoutbot.prefs;

import io.scoutbot.db.Database;
import io.scoutbot.db.DatabaseFailure;
import io.scoutbot.queue.Route;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;

/** Users' choices in the service's database ({@code user_pref}). Thread-safe. */
public final class JdbcPreferences implements Preferences {

  private final Database db;
  private final InstantSource clock;

  public JdbcPreferences(Database db, InstantSource clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Route.Kind route(long ownerId) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT route FROM user_pref WHERE owner_id = ?")) {
      ps.setLong(1, ownerId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Route.Kind.fromDb(rs.getString(1)) : Route.Kind.AUTO;
      }
    } catch (SQLException e) {
      throw DatabaseFailure.of("cannot read the preferences of user " + ownerId, e);
    }
  }

  @Override
  public void setRoute(long ownerId, Route.Kind route) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO user_pref (owner_id, route, updated_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (owner_id) DO UPDATE SET route = excluded.route,"
                + " updated_at = excluded.updated_at")) {
      ps.setLong(1, ownerId);
      ps.setString(2, route.dbValue());
      ps.setLong(3, clock.millis());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw DatabaseFailure.of("cannot record the preferences of user " + ownerId, e);
    }
  }
}
