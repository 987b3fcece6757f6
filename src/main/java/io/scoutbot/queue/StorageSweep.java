package io.scoutbot.queue;

import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileStates;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.Gate;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.ObjectKeys;
import io.scoutbot.storage.Presence;
import io.scoutbot.storage.StorageTarget;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the storage agree with jobs that ended without their file stored, once at {@code serve}'s
 * start: a failed job whose file the storage holds complete is adopted (it completes, and its
 * owner is told), anything else stored under an ended job's key is removed. The job runner already
 * asks the storage before it fails a job and cleans up after a cancel; this catches what a crash
 * or an unreachable storage left between the two (and jobs of earlier versions). Runs on the
 * calling thread; each job costs a request or two.
 */
public final class StorageSweep {

  private static final Logger log = LoggerFactory.getLogger(StorageSweep.class);

  /** How many of the most recently ended jobs one sweep looks at. */
  static final int LOOK_BACK = 100;

  private final EndedJobs ended;
  private final FileCatalog catalog;
  private final FileStates states;
  private final StorageTarget target;
  private final Gate gate;
  private final JobListener listener;

  public StorageSweep(EndedJobs ended, FileCatalog catalog, FileStates states,
      StorageTarget target, Gate gate, JobListener listener) {
    this.ended = ended;
    this.catalog = catalog;
    this.states = states;
    this.target = target;
    this.gate = gate;
    this.listener = listener;
  }

  /**
   * Sweeps once; stops at the first storage failure (the storage is down: the next start tries
   * again).
   *
   * @return how many objects were adopted or removed
   */
  public int run() throws InterruptedException {
    gate.awaitCapacity("cleanup");
    int changed = 0;
    for (Job job : ended.recentlyEndedUnstored(LOOK_BACK)) {
      Optional<StoredFile> entry = catalog.find(job.ownerId(), job.code());
      if (entry.isEmpty() || entry.get().size() < 0) {
        continue; // deleted by its owner (its object is the leftover sweep's), or never fetched
      }
      StoredFile e = entry.get();
      String key = ObjectKeys.of(job.code(), e.name());
      try {
        if (job.state() != JobState.FAILED) {
          // cancelled: whatever is there goes, whole or partial, with nothing to read first (and
          // nothing at all once the job was retried since it was read)
          if (ended.unchanged(job)) {
            target.delete(target.locationOf(key, e.size()));
            changed++;
          }
          continue;
        }
        Presence p = target.presence(key, e.size(), job.source() instanceof JobSource.LocalFile f
            ? f.path() : null);
        if (p instanceof Presence.Complete c) {
          // the job row first: only the sweep that turns it completed (and no retry since) may
          // record the file; any other finds the row changed and leaves the object alone
          if (ended.adopt(job, c.object().size())) {
            if (states.transition(job.code(), FileStatus.COMPLETED, c.object(), null)) {
              log.info("Job {} ({}) had failed, but the storage holds its file complete: it is"
                  + " stored as {} after all", job.id(), e.name(), job.code());
              listener.completed(job, catalog.find(job.ownerId(), job.code()).orElse(e));
            } else {
              // its owner deleted the file meanwhile: what is stored is a deleted file's
              target.delete(c.object().location());
            }
            changed++;
          }
        } else if (ended.unchanged(job)) {
          // a partial leftover; but not once the job was retried: its new worker may write there
          target.delete(((Presence.Incomplete) p).location());
        }
      } catch (ScoutFailure f) {
        log.warn("The storage could not be checked for the jobs that ended without their file"
            + " ({}); the next start tries again", f.getMessage());
        break;
      }
    }
    return changed;
  }
}
