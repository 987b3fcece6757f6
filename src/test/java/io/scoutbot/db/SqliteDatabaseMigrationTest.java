package io.scoutbot.db;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The migration contract on SQLite, the embedded default; always runs. */
class SqliteDatabaseMigrationTest extends DatabaseMigrationContract {

  @TempDir Path dir;

  @Override
  protected String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("scoutbot.db");
  }

  @Override
  protected String falseLiteral() {
    return "0";
  }
}
