package io.scoutbot.db;

import io.scoutbot.testing.Postgres;

/** The migration contract on the real PostgreSQL server (skipped with a message when absent). */
class PostgresDatabaseMigrationTest extends DatabaseMigrationContract {

  @Override
  protected String freshDatabaseUrl() {
    return Postgres.freshSchemaUrl();
  }

  @Override
  protected void dropDatabase(String url) {
    Postgres.dropSchema(url);
  }

  @Override
  protected String falseLiteral() {
    return "false";
  }
}
