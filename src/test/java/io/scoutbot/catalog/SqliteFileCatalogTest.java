package io.scoutbot.catalog;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The catalog contract on SQLite, the embedded default. */
class SqliteFileCatalogTest extends FileCatalogContract {

  @TempDir Path dir;

  @Override
  protected String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("catalog.db");
  }
}
