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
   * becomes completed.
   *
   * @return whether it was still failed and is now completed
   */
  boolean adopt(Job job, long size);
}
