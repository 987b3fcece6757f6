package io.scoutbot.queue;

import java.util.List;

/**
 * Jobs that ended without their file stored (failed or cancelled), for the sweep that makes the
 * storage agree with them. Thread-safe; safe across processes.
 */
public interface EndedJobs {

  /** The most recently ended failed and cancelled jobs, newest first, at most {@code limit}. */
  List<Job> recentlyEndedUnstored(int limit);

  /**
   * Records that a failed job's file is stored after all (the storage held it complete): the job
   * becomes completed, but only if it is still as {@code job} saw it (failed, not retried or
   * claimed since), so that two sweeps, or a sweep and a retry, never both act on it.
   *
   * @return whether it was still failed and is now completed
   */
  boolean adopt(Job job, long size);

  /**
   * Whether {@code job} is still as it was read: in the same ended state, never claimed since.
   * What it stored may be removed only then; a retried job's worker may be storing there now.
   */
  boolean unchanged(Job job);
}
