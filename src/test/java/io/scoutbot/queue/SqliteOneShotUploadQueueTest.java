package io.scoutbot.queue;

import io.scoutbot.db.Database;

/** The queue contract on an existing SQLite file opened as a one-shot command opens it: no pool. */
class SqliteOneShotUploadQueueTest extends UploadQueueContract {

  @Override
  protected String databaseUrl() {
    String url = "jdbc:sqlite:" + dir.resolve("queue.db");
    Database.open(url).close(); // a one-shot command skips the pool only on an existing file
    return url;
  }

  @Override
  protected Database.Use use() {
    return Database.Use.ONE_SHOT;
  }
}
