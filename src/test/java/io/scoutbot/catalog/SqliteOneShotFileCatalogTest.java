package io.scoutbot.catalog;

import io.scoutbot.db.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The catalog contract on an existing SQLite file opened as {@code list} opens it: no pool. */
class SqliteOneShotFileCatalogTest extends FileCatalogContract {

  @TempDir Path dir;

  @Override
  protected String freshDatabaseUrl() {
    String url = "jdbc:sqlite:" + dir.resolve("catalog.db");
    Database.open(url).close(); // a one-shot command skips the pool only on an existing file
    return url;
  }

  @Override
  protected Database.Use use() {
    return Database.Use.ONE_SHOT;
  }
}
