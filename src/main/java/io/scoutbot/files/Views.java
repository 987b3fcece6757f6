package io.scoutbot.files;

import io.scoutbot.catalog.CatalogStats;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.WorkerId;
import java.time.Instant;

/** Turns the core's rows into the view records front ends see. Stateless. */
final class Views {

  private Views() {}

  static FileView file(StoredFile f) {
    FileView.State state = switch (f.status()) {
      case PENDING -> FileView.State.PENDING;
      case UPLOADING -> FileView.State.UPLOADING;
      case COMPLETED -> FileView.State.COMPLETED;
      // deleted entries are never shown: the catalog's lookups skip them
      case FAILED, DELETED -> FileView.State.FAILED;
    };
    return new FileView(f.code(), f.name(), f.size(), f.sha256(), f.mimeType(), f.backend(),
        f.remotePath(), f.segments(), state, f.error(), f.createdAt(), f.startedAt(),
        f.completedAt());
  }

  static StorageStats stats(CatalogStats s) {
    return new StorageStats(s.files(), s.totalBytes(), s.uploadsLastDay(), s.completed(),
        s.failed(), s.averageUploadSeconds());
  }

  /** The job as its owner sees it; {@code eta} is null when unknown. */
  static JobView job(Job j, Instant eta) {
    return job(j, eta, false);
  }

  /**
   * The job as its owner sees it.
   *
   * @param workerGone a running job whose worker is known to be gone
   */
  static JobView job(Job j, Instant eta, boolean workerGone) {
    boolean running = j.state() == JobState.RUNNING;
    return new JobView(j.id(), j.ownerId(), j.code(), j.name(), j.size(), state(j.state()),
        j.source().kind(), j.source().ref(), j.attempts(), j.failures(),
        j.state() == JobState.PENDING ? j.nextAttemptAt() : null, j.lastError(),
        running ? j.phase() : null, j.progressBytes(), j.state().finished() ? null : eta,
        running ? runningOn(j.leaseOwner()) : null, running && workerGone, j.delivered(), j.tag(),
        j.createdAt(), j.startedAt(), j.finishedAt());
  }

  static JobView.State state(JobState s) {
    return switch (s) {
      case PENDING -> JobView.State.PENDING;
      case RUNNING -> JobView.State.RUNNING;
      case BLOCKED -> JobView.State.BLOCKED;
      case COMPLETED -> JobView.State.COMPLETED;
      case FAILED -> JobView.State.FAILED;
      case CANCELLED -> JobView.State.CANCELLED;
    };
  }

  /** Where a worker runs, for people: {@code host pid 1234}. */
  static String runningOn(String leaseOwner) {
    if (leaseOwner == null) {
      return null;
    }
    return WorkerId.parse(leaseOwner).map(w -> w.node() + " pid " + w.pid()).orElse(leaseOwner);
  }
}
