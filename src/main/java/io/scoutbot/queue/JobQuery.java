package io.scoutbot.queue;

import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which jobs to list. Immutable.
 *
 * @param owner one user's jobs, or every user's when empty
 * @param states the states to include
 * @param newestFinishedFirst order by finish time, newest first (history); otherwise in queue order
 *     (oldest submission first)
 */
public record JobQuery(OptionalLong owner, Set<JobState> states, boolean newestFinishedFirst,
    int limit) {

  public JobQuery {
    states = Set.copyOf(states);
    if (states.isEmpty()) {
      throw new IllegalArgumentException("at least one state is needed");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
  }

  /** Pending, running and blocked jobs in queue order. */
  public static JobQuery unfinished(OptionalLong owner, int limit) {
    return new JobQuery(owner, EnumSet.of(JobState.PENDING, JobState.RUNNING, JobState.BLOCKED),
        false, limit);
  }

  /** Completed, failed and cancelled jobs, newest first. */
  public static JobQuery history(OptionalLong owner, int limit) {
    return new JobQuery(
        owner, EnumSet.of(JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED), true, limit);
  }
}
