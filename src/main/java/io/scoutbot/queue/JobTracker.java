package io.scoutbot.queue;

import io.scoutbot.transfer.Progress;

/**
 * Where one attempt of a job reports how it advances (phase, bytes, what fetching learned) and
 * learns whether its owner asked to cancel it. The worker pool gives the runner one per attempt,
 * backed by the job's lease (heartbeats carry it to the database). Called on the attempt's threads;
 * implementations are cheap and never block, but for one write when the attempt's first byte moves
 * (from then on the attempt counts, should its worker die).
 */
public interface JobTracker extends Progress {

  /** Records nothing; never cancelled. */
  JobTracker NONE = new JobTracker() {
    @Override
    public void advance(long bytes) {}
  };

  /**
   * A new phase begins ({@link Job#FETCHING} or {@link Job#STORING}); bytes count from 0 again.
   *
   * @param total bytes the phase will move; -1 when unknown
   */
  default void phase(String phase, long total) {}

  /** Fetching learned the file's name and size. */
  default void described(String name, long size) {}

  /** Whether the job's owner asked to cancel it (the attempt should stop and settle cancelled). */
  default boolean cancelRequested() {
    return false;
  }
}
