package io.scoutbot.queue;

import io.scoutbot.testing.Postgres;

/**
 * The queue contract on the real PostgreSQL server (a fresh schema per test): skipped with a
 * message when the server is absent, required in CI.
 */
class PostgresUploadQueueTest extends UploadQueueContract {

  @Override
  protected String databaseUrl() {
    return Postgres.freshSchemaUrl();
  }
}
