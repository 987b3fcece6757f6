package io.scoutbot.queue;

import io.scoutbot.catalog.StoredFile;
import java.time.Instant;

/**
 * Told what happens to jobs run in this process, after the job row is updated, so the bot, the CLI
 * and the status page can tell the user the truth. Called on worker threads: implementations must
 * return quickly and must not block; a listener that throws is logged and ignored. Processes that
 * only observe (another process runs the job) read the job row instead.
 */
public interface JobListener {

  /** A listener that ignores everything. */
  JobListener NONE = new JobListener() {};

  /** The job was recorded and is waiting for a worker. */
  default void enqueued(Job job) {}

  /** A worker started an attempt. */
  default void started(Job job) {}

  /**
   * The attempt waits for resources before moving bytes.
   *
   * @param reason why, for the user (e.g. which threshold the host is above)
   */
  default void waiting(Job job, String reason) {}

  /**
   * Bytes moved: called on the worker's thread after every chunk, so it must be very cheap.
   *
   * @param phase {@link Job#FETCHING} or {@link Job#STORING}
   * @param bytes moved so far in this phase
   * @param total bytes this phase will move; -1 when unknown
   */
  default void progress(Job job, String phase, long bytes, long total) {}

  /** The file is stored; {@code file} is its completed catalog entry, code included. */
  default void completed(Job job, StoredFile file) {}

  /**
   * The job gave up for good; {@code reason} is written for the user.
   *
   * @param copyKept whether its temp copy stays for a later retry (the failure was not the file's
   *     own)
   */
  default void failed(Job job, String reason, boolean copyKept) {}

  /** The job waits for the configuration to be fixed; {@code reason} says what to fix. */
  default void blocked(Job job, String reason) {}

  /** The attempt failed transiently; the job runs again at {@code nextAttempt}. */
  default void retrying(Job job, Instant nextAttempt, String reason) {}

  /** Its owner cancelled it. */
  default void cancelled(Job job) {}

  /**
   * Its file was sent in the chat its route names instead of being stored.
   *
   * @param note why, when it was meant to be stored (storing failed for good), else null
   */
  default void delivered(Job job, String note) {}
}
