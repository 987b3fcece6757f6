package io.scoutbot.queue;

/**
 * What an owner can do to their jobs: cancel one, or try a failed or blocked one again. Another
 * user's job reads exactly like an unknown one. Thread-safe; safe across processes.
 */
public interface JobActions {

  /**
   * Cancels the owner's job: a pending or blocked one at once; for a running one, asks its worker
   * to stop (it does so at its next heartbeat, within seconds, and settles it cancelled).
   *
   * @return the job: cancelled, or still running with {@link Job#cancelRequested()} set
   * @throws io.scoutbot.retry.ScoutFailure when the job is unknown, another user's, or already
   *     finished; the message says which
   */
  Job cancel(long ownerId, long id);

  /**
   * Puts the owner's failed or blocked job back in the queue, due now, with its failed attempts
   * forgotten. The caller checks that its source still exists.
   *
   * @return the job, pending
   * @throws io.scoutbot.retry.ScoutFailure when the job is unknown, another user's, or not failed
   *     or blocked
   */
  Job retry(long ownerId, long id);
}
