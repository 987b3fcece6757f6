package io.scoutbot.queue;

import io.scoutbot.fetch.JobSource;
import io.scoutbot.catalog.DeletedFiles;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.db.DatabaseFailure;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.time.Sleeper;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.ObjectKeys;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job to an outcome on the calling thread: waits at the governor's gate and for a
 * work slot, uploads the file under its code, keeps the catalog entry in step (uploading, then
 * completed or failed), settles the job, releases an owned temp file, and publishes the outcome.
 * Thread-safe: holds no per-job state, so several worker threads share one runner.
 *
 * <p>Order matters for crash safety. The catalog entry is updated before the job is settled: a
 * crash between the two leaves a running job whose lease expires, and its rerun stores the same key
 * again (uploads are idempotent) and settles both. A worker that finds its lease lost records
 * nothing but an already-true completion, so the worker that took over decides the outcome.
 *
 * <p>Recording an outcome never gives up on a database outage: the runner keeps the job (its lease
 * keeper keeps renewing while the thread is here) and tries again with backoff until the database
 * answers. Walking away instead would let the lease expire, and the takeover would count against
 * the job's retry limit although nothing about the job failed. Only a stop (interrupt) ends the
 * wait; the job then stays leased and its rerun finds the upload already stored.
 */
public final class JobRunner {

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  /** The operation name the governor's gate logs while this work waits. */
  public static final String OPERATION = "upload queue processing";

  /** Waits between tries to record an outcome while the database is unavailable. */
  static final Backoff RECORD_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));

  /** What a run came to, for the dispatcher. */
  public enum Result {
    COMPLETED,
    /** Back to pending after a transient failure. */
    RETRYING,
    /** Back to pending because the storage backend is down as a whole. */
    UNAVAILABLE,
    FAILED,
    /** Interrupted unfinished (shutdown); due again at once. */
    RELEASED,
    /** The lease was lost to another worker; this run's outcome was discarded. */
    LOST,
    /**
     * Stopped while the database was unavailable: the outcome is not recorded and the job stays
     * leased; it runs again once the lease expires (an upload already stored is not repeated).
     */
    UNRECORDED
  }

  private final UploadQueue queue;
  private final FileCatalog catalog;
  private final DeletedFiles deletions;
  private final StorageTarget target;
  private final JobSpool spool;
  private final RetryPolicy policy;
  private final Gate gate;
  private final WorkLimit workLimit;
  private final GcPolicy gc;
  private final JobListener listener;
  private final Throughput throughput;
  private final InstantSource clock;
  private final LongSupplier nanos;
  private final Sleeper sleeper;
  private final DoubleSupplier random;

  public JobRunner(
      UploadQueue queue,
      FileCatalog catalog,
      DeletedFiles deletions,
      StorageTarget target,
      JobSpool spool,
      RetryPolicy policy,
      Gate gate,
      WorkLimit workLimit,
      GcPolicy gc,
      JobListener listener,
      Throughput throughput,
      InstantSource clock,
      LongSupplier nanos,
      Sleeper sleeper,
      DoubleSupplier random) {
    this.queue = queue;
    this.catalog = catalog;
    this.deletions = deletions;
    this.target = target;
    this.spool = spool;
    this.policy = policy;
    this.gate = gate;
    this.workLimit = workLimit;
    this.gc = gc;
    this.listener = listener;
    this.throughput = throughput;
    this.clock = clock;
    this.nanos = nanos;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** The backend this runner stores to; it claims only jobs destined for it. */
  public String destination() {
    return target.name();
  }

  /**
   * Runs {@code job}, which this worker has just claimed, to an outcome.
   *
   * @param progress told about every chunk sent (the lease keeper's counter, a CLI progress line)
   */
  public Result run(Job job, Progress progress) {
    try {
      return runOnce(job, progress);
    } catch (Unrecorded e) {
      log.warn("Job {} ({}): stopping before its outcome could be recorded ({}); it stays leased and"
          + " runs again once its lease expires - an upload already stored is not repeated",
          job.id(), job.name(), e.getCause().getMessage());
      return Result.UNRECORDED;
    }
  }

  private Result runOnce(Job job, Progress progress) {
    try {
      gate.awaitCapacity(OPERATION);
      try (WorkLimit.Slot slot = workLimit.acquire("upload job " + job.id())) {
        return attempt(job, progress);
      }
    } catch (InterruptedException e) {
      return release(job);
    } catch (Unrecorded e) {
      throw e;
    } catch (RuntimeException e) {
      if (interrupted(e)) {
        return release(job);
      }
      return failed(job, e);
    }
  }

  private Result attempt(Job job, Progress progress) {
    if (job.failures() >= policy.maxAttempts()) {
      // the claim counts a taken-over lease as a failure: this job's earlier attempts ended with
      // their worker gone (crashed, or killed - e.g. out of memory); running it again could only
      // take the service down again
      throw new ScoutFailure("gave up after " + job.failures() + " failed attempts, the last ones"
          + " ending with the worker gone (the process crashed or was killed while uploading it)",
          Disposition.PERMANENT);
    }
    if (!(job.source() instanceof JobSource.LocalFile file)) {
      throw new ScoutFailure(
          "no fetcher for " + job.source().kind() + " sources yet; this job cannot run",
          Disposition.PERMANENT);
    }
    Optional<StoredFile> entry = catalog.find(job.ownerId(), job.code());
    if (entry.isEmpty()) {
      throw new ScoutFailure(
          "the file " + job.code() + " was deleted before it was uploaded", Disposition.PERMANENT);
    }
    catalog.transition(job.code(), FileStatus.UPLOADING, null, null);
    listener.started(job);
    long size = job.size() >= 0 ? job.size() : fileSize(file);
    long start = nanos.getAsLong();
    StoredObject stored =
        target.upload(new UploadRequest(file.path(), ObjectKeys.of(job.code(), entry.get().name()),
            size, entry.get().mimeType(), progress));
    Duration took = Duration.ofNanos(nanos.getAsLong() - start);
    // from here on the bytes are stored: a database failure must not turn that into a failed attempt
    if (!recorded(job, () -> catalog.transition(job.code(), FileStatus.COMPLETED, stored, null))) {
      // its owner deleted the file while it was uploading: do not bring it back (the catalog
      // refuses to, so this holds even when the delete lands at the last moment). The object is
      // recorded on the deleted entry first, so if removing it fails now, serve's sweep of
      // leftover objects removes it later
      recorded(job, () -> {
        deletions.objectLeft(job.code(), stored.location());
        return null;
      });
      target.delete(stored.location());
      recorded(job, () -> {
        deletions.objectRemoved(job.code());
        return null;
      });
      throw new ScoutFailure(
          "the file " + job.code() + " was deleted while it was uploading", Disposition.PERMANENT);
    }
    if (!recorded(job, () -> queue.settle(job, new Settlement.Completed(stored.size())))) {
      return lost(job);
    }
    spool.release(job);
    throughput.observe(stored.size(), took);
    gc.afterUpload("queue");
    log.info("Upload completed: job {} stored {} as {} ({} bytes in {} ms, {})", job.id(),
        job.name(), job.code(), stored.size(), took.toMillis(), target.name());
    listener.completed(job, completedEntry(job, entry.get()));
    return Result.COMPLETED;
  }

  private Result failed(Job job, RuntimeException e) {
    Settlement s = policy.decide(job, e, clock.instant(), random);
    // check the lease before touching the catalog, so a worker that lost the job does not
    // overwrite what its successor records; then the catalog, then the job row (see the class)
    if (!recorded(job, () -> queue.renew(job, job.progressBytes()))) {
      return lost(job);
    }
    boolean entryExists = recorded(job, () -> catalogEntryExists(job));
    if (s instanceof Settlement.Retry retry) {
      if (entryExists) {
        recorded(job, () -> catalog.transition(job.code(), FileStatus.PENDING, null,
            "retrying at " + retry.at() + ": " + retry.error()));
      }
      if (!recorded(job, () -> queue.settle(job, retry))) {
        return lost(job);
      }
      boolean outage = ScoutFailure.dispositionOf(e).kind() == Disposition.Kind.UNAVAILABLE;
      if (outage) {
        log.warn("Job {} ({}): storage unavailable ({}); it stays queued with its file and is"
            + " retried at {} - an outage loses nothing", job.id(), job.name(), retry.error(),
            retry.at());
      } else {
        log.warn("Job {} ({}) failed, attempt {} of {} ({}); retrying at {}", job.id(), job.name(),
            job.failures() + 1, policy.maxAttempts(), retry.error(), retry.at());
      }
      listener.retrying(job, retry.at(), retry.error());
      return outage ? Result.UNAVAILABLE : Result.RETRYING;
    }
    Settlement.Failed failed = (Settlement.Failed) s;
    if (entryExists) {
      recorded(job, () -> catalog.transition(job.code(), FileStatus.FAILED, null, failed.error()));
    }
    if (!recorded(job, () -> queue.settle(job, failed))) {
      return lost(job);
    }
    spool.release(job);
    log.warn("Upload failed: job {} ({}): {}; nothing was stored{}", job.id(), job.name(),
        failed.error(), ownedFile(job) ? " and its temp file was removed" : "");
    listener.failed(job, failed.error());
    return Result.FAILED;
  }

  /**
   * Settles {@code job} after an unexpected error escaped its run (a bug): counted like a transient
   * failure, so a job that keeps hitting it ends failed instead of looping, and never left to its
   * lease, which no worker takes over while this process lives (see {@link WorkerId#isAliveOn}).
   * One try each: if even this fails, the job waits for this process to stop.
   */
  public void abandon(Job job, RuntimeException error) {
    try {
      Settlement s = policy.decide(job, error, clock.instant(), random);
      if (!queue.settle(job, s)) {
        return; // another worker has it
      }
      boolean failed = s instanceof Settlement.Failed;
      if (catalogEntryExists(job)) {
        catalog.transition(job.code(), failed ? FileStatus.FAILED : FileStatus.PENDING, null,
            failed ? ((Settlement.Failed) s).error() : null);
      }
      if (failed) {
        spool.release(job);
        listener.failed(job, ((Settlement.Failed) s).error());
      }
    } catch (RuntimeException e) {
      error.addSuppressed(e);
      log.error("Job {} ({}) could not be put back after an unexpected error; it stays running"
          + " until this process stops", job.id(), job.name(), error);
    }
  }

  private Result release(Job job) {
    // clear the flag so the pool hands out a connection, and set it again afterwards
    Thread.interrupted();
    try {
      // stopping: one try each, no waiting out an outage (the job then stays leased). Unlike the
      // other outcomes the job goes first, so it is claimable at once; the catalog's "pending"
      // after it only restores what a user sees
      if (!once(() -> queue.settle(job, new Settlement.Released()))) {
        return lost(job);
      }
      if (once(() -> catalogEntryExists(job))) {
        once(() -> catalog.transition(job.code(), FileStatus.PENDING, null, null));
      }
      log.info("Job {} ({}) was interrupted; it goes back to the queue and runs again", job.id(),
          job.name());
      return Result.RELEASED;
    } finally {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code step}, a write (or read) that records this attempt's outcome, until the database
   * answers: a {@link DatabaseFailure} is waited out with backoff while this thread keeps the job
   * (the lease keeper renews it as soon as the database is back, so no other worker takes it over).
   *
   * @throws Unrecorded when this thread is interrupted (stopping) before the step succeeded
   */
  private <T> T recorded(Job job, Supplier<T> step) {
    for (int tries = 0; ; tries++) {
      try {
        T result = step.get();
        if (tries > 0) {
          log.info("Job {} ({}): the database answers again; recording its outcome", job.id(),
              job.name());
        }
        return result;
      } catch (DatabaseFailure e) {
        if (!e.unavailable()) {
          throw e; // refused, not unreachable: waiting would never end
        }
        if (tries == 0) {
          log.warn("Job {} ({}): cannot record its outcome ({}); this worker keeps the job and"
              + " tries again until the database answers", job.id(), job.name(), e.getMessage());
        }
        try {
          sleeper.sleep(RECORD_BACKOFF.delay(tries, random));
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw new Unrecorded(e);
        }
      }
    }
  }

  /** Runs {@code step} once, for a thread that is stopping: a database failure ends the run. */
  private static <T> T once(Supplier<T> step) {
    try {
      return step.get();
    } catch (DatabaseFailure e) {
      throw new Unrecorded(e);
    }
  }

  /** The completed entry for the listener; the one read before the upload if it cannot be read. */
  private StoredFile completedEntry(Job job, StoredFile before) {
    try {
      return catalog.find(job.ownerId(), job.code()).orElse(before);
    } catch (DatabaseFailure e) {
      return before;
    }
  }

  /** The outcome could not be recorded before the worker stopped; the job stays leased. */
  private static final class Unrecorded extends RuntimeException {
    Unrecorded(DatabaseFailure cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Whether the job's catalog entry is still there (its owner may have deleted it meanwhile). */
  private boolean catalogEntryExists(Job job) {
    return job.code() != null && catalog.find(job.ownerId(), job.code()).isPresent();
  }

  private static Result lost(Job job) {
    log.warn("Job {} ({}) was taken over by another worker after this one's lease expired; this"
        + " worker's result is discarded (uploads are idempotent, so nothing is duplicated)",
        job.id(), job.name());
    return Result.LOST;
  }

  private static boolean ownedFile(Job job) {
    return job.source() instanceof JobSource.LocalFile f && f.owned();
  }

  private static long fileSize(JobSource.LocalFile file) {
    try {
      return java.nio.file.Files.size(file.path());
    } catch (java.io.IOException e) {
      throw new ScoutFailure(
          "cannot read " + file.path() + ": " + e.getMessage(), Disposition.PERMANENT, e);
    }
  }

  /** Whether {@code e} is the upload noticing an interrupt (shutdown or a lost lease). */
  private static boolean interrupted(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      // not InterruptedIOException in general: a socket timeout is one, and it is a real failure
      if (t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }
}
