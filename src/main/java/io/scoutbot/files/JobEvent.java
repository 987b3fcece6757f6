package io.scoutbot.files;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to a job, as front ends are told it: the bot edits a message from these,
 * the CLI prints them, the status page shows them. Each event carries the job as of that moment
 * ({@link #job()}, keyed by its id, so a restarted process picks up where the previous one left
 * off). Immutable.
 */
public sealed interface JobEvent {

  /** The job as of this event. */
  JobView job();

  /** The job id, for keying. */
  default long jobId() {
    return job().id();
  }

  /** Whether this is the job's last event. */
  default boolean last() {
    return this instanceof Completed || this instanceof Failed || this instanceof Cancelled
        || this instanceof Delivered;
  }

  /**
   * Recorded and waiting for a worker.
   *
   * @param position its place among the unfinished jobs of its backend, from 1
   * @param eta when it should be done; null when unknown
   */
  record Queued(JobView job, int position, Instant eta) implements JobEvent {}

  /** A worker started an attempt. */
  record Started(JobView job) implements JobEvent {}

  /**
   * Waiting for resources before moving bytes.
   *
   * @param reason why, for its owner (e.g. which threshold the host is above)
   */
  record Waiting(JobView job, String reason) implements JobEvent {}

  /**
   * Bytes are moving; sent at most every few seconds per job (each subscriber chooses how often).
   *
   * @param phase {@code fetching} (from its source) or {@code storing} (to the backend)
   * @param bytes moved so far in this phase
   * @param total bytes this phase will move; -1 when unknown
   * @param bytesPerSecond the recent rate; 0 when not known yet
   * @param eta when this phase should end; null when unknown
   */
  record Progress(JobView job, String phase, long bytes, long total, double bytesPerSecond,
      Instant eta) implements JobEvent {}

  /**
   * An attempt failed and the job goes again at {@code at}.
   *
   * @param reason why the attempt failed, for its owner
   */
  record Retrying(JobView job, Instant at, String reason) implements JobEvent {
    public Retrying {
      Objects.requireNonNull(at, "at");
    }
  }

  /** The file is stored: {@code file} is its entry, with the code to fetch it by. */
  record Completed(JobView job, FileView file) implements JobEvent {}

  /**
   * Given up for good.
   *
   * @param reason why, for its owner
   * @param copyKept whether its temp copy stays, so that {@code queue --retry} can run it again
   *     (the failure was not the file's own); otherwise nothing of it is left
   */
  record Failed(JobView job, String reason, boolean copyKept) implements JobEvent {}

  /** Withdrawn by its owner. */
  record Cancelled(JobView job) implements JobEvent {}

  /**
   * Its file was sent in its chat instead of being stored (a small file, or the user's {@code
   * /mode chat}); it has no code.
   *
   * @param note why a file meant for storage went to the chat (storing failed for good), or null
   */
  record Delivered(JobView job, String note) implements JobEvent {}

  /**
   * Waits for the configuration to be fixed (the storage does not exist, has no workers, refuses
   * the credentials); its file is kept, and it goes again when {@code serve} starts or the storage
   * answers again.
   *
   * @param reason what to fix
   */
  record Blocked(JobView job, String reason) implements JobEvent {}
}
