package io.scoutbot.catalog;

import io.scoutbot.testing.Postgres;

/** The catalog contract on the real PostgreSQL server (skipped with a message when absent). */
class PostgresFileCatalogTest extends FileCatalogContract {

  @Override
  protected String freshDatabaseUrl() {
    return Postgres.freshSchemaUrl();
  }

  @Override
  protected void dropDatabase(String url) {
    Postgres.dropSchema(url);
  }
}
