package io.scoutbot.queue;

import java.nio.file.Path;
import java.util.Set;

/**
 * Repairs after crashes, run by workers at start and then periodically. Thread-safe; safe to run in
 * several processes at once.
 */
public interface QueueHousekeeping {

  /**
   * Expires at once the leases held by workers of {@code node} whose process is gone, so their jobs
   * are claimed again now instead of when the lease would have run out.
   *
   * @return the number of jobs released
   */
  int releaseDeadLeases(String node);

  /**
   * Puts every job blocked by the configuration back in the queue, due now: at {@code serve}'s
   * start, and when the storage's health check turns healthy (an operator may have fixed it).
   *
   * @return how many jobs were unblocked
   */
  int unblock();

  /** How many jobs wait for the configuration to be fixed. */
  int blocked();

  /**
   * The files jobs still own (pending, running, blocked, or failed and kept for a retry, with an
   * owned local file), on any node: temp space may be shared between nodes (a volume mounted in several containers), so a
   * sweep must never take a file another node's job still needs.
   */
  Set<Path> liveOwnedFiles();

  /**
   * Deletes completed, failed and cancelled jobs that finished longer than QUEUE_KEEP_FINISHED_DAYS
   * ago (nothing when that is 0), in small batches so other processes are never blocked for long.
   * Their catalog entries stay: only the queue's history is trimmed.
   *
   * @return the number of jobs deleted
   */
  int purgeFinished();
}
