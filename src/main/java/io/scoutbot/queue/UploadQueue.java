package io.scoutbot.queue;

import java.util.Optional;

/**
 * The durable upload queue as producers and workers see it: submit a job, claim the next one with a
 * lease, keep the lease alive, and settle the outcome. Implementations are thread-safe and safe
 * across processes sharing one database; nothing a caller was told is ever lost.
 */
public interface UploadQueue {

  /**
   * Records a job (in the database, before anyone is told anything) and registers its file in the
   * catalog, so the returned job already carries the code the user will know it by.
   *
   * @throws QueueLimitExceeded when the owner's unfinished jobs or bytes would exceed a limit;
   *     nothing is recorded then
   */
  Job enqueue(NewJob job);

  /**
   * Leases the next due job that {@code request} may run, or returns empty when there is none. The
   * returned job is {@link JobState#RUNNING}, its attempts counted, its lease held by {@code
   * request.worker()} until renewed or settled.
   */
  Optional<Job> claim(ClaimRequest request);

  /**
   * Extends the lease of a job this worker claimed and records how it advances.
   *
   * @return {@link Lease#LOST} when the lease was lost (it expired and another worker took the job,
   *     or the job is no longer running): the caller must stop working on it; {@link
   *     Lease#CANCEL_REQUESTED} when its owner asked to cancel it
   */
  Lease renew(Job claimed, Heartbeat beat);

  /**
   * Records how a claimed job ended: stored, back to pending for a retry, failed, released
   * unfinished (shutdown), or cancelled by its owner.
   *
   * @return false when the lease was lost meanwhile; the outcome was not recorded
   */
  boolean settle(Job claimed, Settlement settlement);

  /** The job as the database has it now, or empty when there is no job with this id. */
  Optional<Job> find(long id);
}
