package io.scoutbot.queue;

import java.util.List;
import java.util.Optional;

/**
 * The queue as users and operators see it: single jobs, listings, usage against the limits, counts,
 * and cancelling. Reads reflect every process sharing the database. Thread-safe.
 */
public interface JobBoard {

  Optional<Job> find(long id);

  List<Job> list(JobQuery query);

  /**
   * Cancels the owner's job: a pending one at once; for a running one, asks its worker to stop (it
   * does so at its next heartbeat, within seconds, and settles it cancelled).
   *
   * @return the job: cancelled, or still running with {@link Job#cancelRequested()} set
   * @throws io.scoutbot.retry.ScoutFailure when the job is unknown, another user's, or already
   *     finished; the message says which
   */
  Job cancel(long ownerId, long id);

  /** The owner's unfinished jobs and their bytes, as the limits count them. */
  QueueUsage usage(long ownerId);

  /** Jobs per state, for status pages. */
  QueueCounts counts();
}
