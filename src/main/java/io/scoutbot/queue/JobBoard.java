package io.scoutbot.queue;

import java.util.List;
import java.util.Optional;

/**
 * The queue as users and operators see it: single jobs, listings, usage against the limits and
 * counts; what owners can do to their jobs is {@link JobActions}. Reads reflect every process sharing the database. Thread-safe.
 */
public interface JobBoard {

  Optional<Job> find(long id);

  List<Job> list(JobQuery query);

  /** The owner's unfinished jobs and their bytes, as the limits count them. */
  QueueUsage usage(long ownerId);

  /** Jobs per state, for status pages. */
  QueueCounts counts();
}
