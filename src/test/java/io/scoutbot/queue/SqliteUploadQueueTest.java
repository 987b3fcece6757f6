package io.scoutbot.queue;

/** The queue contract on SQLite, the embedded default; always runs. */
class SqliteUploadQueueTest extends UploadQueueContract {

  @Override
  protected String databaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("queue.db");
  }
}
