package io.scoutbot.db;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration contract on SQLite opened as a one-shot command opens it: without a pool when the
 * file exists (current, older or failed schema), through the pool's path when it is new.
 */
class SqliteOneShotDatabaseMigrationTest extends DatabaseMigrationContract {

  @TempDir Path dir;

  @Override
  protected String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("scoutbot.db");
  }

  @Override
  protected Database.Use use() {
    return Database.Use.ONE_SHOT;
  }

  @Override
  protected String falseLiteral() {
    return "0";
  }
}
