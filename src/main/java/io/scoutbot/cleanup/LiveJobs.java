package io.scoutbot.cleanup;

import java.util.Set;

/**
 * Which jobs still own their temp directories: the port through which the temp sweep learns about
 * the queue without depending on it. Implementations are thread-safe; a call may query the
 * database.
 */
@FunctionalInterface
public interface LiveJobs {

  /**
   * Ids of every job that is not finished (pending, running, waiting to retry), on any node: their
   * directories are kept, so a retried or resumed job finds what its last attempt left.
   */
  Set<Long> unfinishedJobIds();

  /** No job is alive (tests). */
  static LiveJobs none() {
    return Set::of;
  }
}
