package io.scoutbot.queue;

import io.scoutbot.catalog.DeletedFiles;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileStates;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.cleanup.JobDirs;
import io.scoutbot.db.DatabaseFailure;
import io.scoutbot.fetch.FetchProgress;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.Fetcher;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.safety.FilePolicy;
import io.scoutbot.storage.ObjectKeys;
import io.scoutbot.storage.Presence;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.time.Sleeper;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job to an outcome on the calling thread (the worker pool passed the governor's
 * gate before it claimed the job): waits for a work slot, fetches its source into a local file (a {@link Fetcher}: a local file is used in place,
 * a URL or a Telegram file is downloaded into the job's own directory), stores the file under its
 * code, keeps the catalog entry in step (uploading, then completed or failed), settles the job,
 * releases its temp files, and publishes what happens to its listener. Thread-safe: holds no per-job
 * state, so several worker threads share one runner.
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
    /** Its owner cancelled it. */
    CANCELLED,
    /** Waits for the configuration to be fixed (the storage is missing, refuses us, ...). */
    BLOCKED,
    /** Its file was sent in its chat instead of being stored. */
    DELIVERED,
    /** The lease was lost to another worker; this run's outcome was discarded. */
    LOST,
    /**
     * Stopped while the database was unavailable: the outcome is not recorded and the job stays
     * leased; it runs again once the lease expires (an upload already stored is not repeated).
     */
    UNRECORDED
  }

  /**
   * What the runner works with. Immutable.
   *
   * @param catalog finds a job's entry (its owner may have deleted it)
   * @param states moves the entry through its states
   * @param deletions records an object stored for a file deleted meanwhile
   * @param spool the queue's copies of local files submitted without waiting
   * @param jobDirs the jobs' own temp directories, where fetchers write
   * @param fetcher turns any source into a local file
   * @param maxFetchBytes the most bytes a fetched file may have (DOWNLOAD_MAX_MB)
   * @param safety decides whether a fetched file may be stored, whatever its source
   */
  public record Ports(
      UploadQueue queue,
      FileCatalog catalog,
      FileStates states,
      DeletedFiles deletions,
      StorageTarget target,
      JobSpool spool,
      JobDirs jobDirs,
      Fetcher fetcher,
      long maxFetchBytes,
      FilePolicy safety) {

    public Ports {
      java.util.Objects.requireNonNull(queue, "queue");
      java.util.Objects.requireNonNull(catalog, "catalog");
      java.util.Objects.requireNonNull(states, "states");
      java.util.Objects.requireNonNull(deletions, "deletions");
      java.util.Objects.requireNonNull(target, "target");
      java.util.Objects.requireNonNull(spool, "spool");
      java.util.Objects.requireNonNull(jobDirs, "jobDirs");
      java.util.Objects.requireNonNull(fetcher, "fetcher");
      java.util.Objects.requireNonNull(safety, "safety");
    }
  }

  /** The governor's parts every attempt passes. Immutable. */
  public record Governor(WorkLimit workLimit, GcPolicy gc) {}

  /**
   * Where fetched files of jobs routed to a chat go. Immutable.
   *
   * @param storeAboveBytes PENTARACT_UPLOAD_THRESHOLD: auto routes send files up to it to the chat
   * @param chatLimitBytes the most a chat takes (TELEGRAM_UPLOAD_LIMIT_MB)
   */
  public record Routing(long storeAboveBytes, long chatLimitBytes, ChatDelivery delivery) {

    public Routing {
      java.util.Objects.requireNonNull(delivery, "delivery");
    }

    /** No chat: every job is stored (no bot in this process). */
    public static Routing storeOnly() {
      return new Routing(0, 0, ChatDelivery.none());
    }
  }

  /** Time, waiting and randomness, injected so tests drive them. Immutable. */
  public record Seams(InstantSource clock, LongSupplier nanos, Sleeper sleeper,
      DoubleSupplier random) {

    public static Seams system() {
      return new Seams(InstantSource.system(), System::nanoTime, Sleeper.system(),
          () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }
  }

  private final UploadQueue queue;
  private final FileCatalog catalog;
  private final FileStates states;
  private final DeletedFiles deletions;
  private final StorageTarget target;
  private final JobSpool spool;
  private final JobDirs jobDirs;
  private final Fetcher fetcher;
  private final long maxFetchBytes;
  private final FilePolicy safety;
  private final Routing routing;
  private final RetryPolicy policy;
  private final WorkLimit workLimit;
  private final GcPolicy gc;
  private final JobListener listener;
  private final Throughput throughput;
  private final InstantSource clock;
  private final LongSupplier nanos;
  private final Sleeper sleeper;
  private final DoubleSupplier random;

  public JobRunner(Ports ports, Governor governor, Routing routing, RetryPolicy policy,
      JobListener listener, Throughput throughput, Seams seams) {
    this.routing = routing;
    this.queue = ports.queue();
    this.catalog = ports.catalog();
    this.states = ports.states();
    this.deletions = ports.deletions();
    this.target = ports.target();
    this.spool = ports.spool();
    this.jobDirs = ports.jobDirs();
    this.fetcher = ports.fetcher();
    this.maxFetchBytes = ports.maxFetchBytes();
    this.safety = ports.safety();
    this.policy = policy;
    this.workLimit = governor.workLimit();
    this.gc = governor.gc();
    this.listener = listener;
    this.throughput = throughput;
    this.clock = seams.clock();
    this.nanos = seams.nanos();
    this.sleeper = seams.sleeper();
    this.random = seams.random();
  }

  /**
   * Puts a job this worker claimed but will not run now straight back: due at once, its attempt
   * undone, its catalog entry untouched (the worker pool waits at the governor's gate holding no
   * job).
   */
  public void putBack(Job job) {
    // waits out a database outage: a job left running under this live process's lease, held by
    // no lease keeper, would never be taken over while the process lives
    if (!recorded(job, () -> queue.settle(job, new Settlement.Released()))) {
      lost(job);
    }
  }

  /** Tells the job's listeners it waits for resources, and why. */
  public void announceWaiting(Job job, String reason) {
    listener.waiting(job, reason);
  }

  /** The backend this runner stores to; it claims only jobs destined for it. */
  public String destination() {
    return target.name();
  }

  /**
   * Runs {@code job}, which this worker has just claimed, to an outcome.
   *
   * @param tracker where the attempt reports how it advances (the lease keeper's heartbeat), and
   *     learns of a cancel request
   */
  public Result run(Job job, JobTracker tracker) {
    try {
      return runOnce(job, tracker);
    } catch (Unrecorded e) {
      log.warn("Job {} ({}): stopping before its outcome could be recorded ({}); it stays leased and"
          + " runs again once its lease expires - an upload already stored is not repeated",
          job.id(), job.name(), e.getCause().getMessage());
      return Result.UNRECORDED;
    }
  }

  private Result runOnce(Job job, JobTracker outer) {
    Attempt tracker = new Attempt(outer);
    try {
      if (tracker.cancelRequested()) {
        return cancelled(job);
      }
      // the worker pool passed the governor's gate before it handed this job over
      try (WorkLimit.Slot slot = workLimit.acquire("upload job " + job.id())) {
        return attempt(job, tracker);
      }
    } catch (InterruptedException e) {
      return tracker.cancelRequested() ? cancelled(job) : release(job);
    } catch (Unrecorded e) {
      throw e;
    } catch (RuntimeException e) {
      if (interrupted(e)) {
        return tracker.cancelRequested() ? cancelled(job) : release(job);
      }
      // the storage can hold the file only if some attempt got as far as sending it
      return failed(job, e, tracker.storing || job.attempts() > 1 || job.takenOver());
    }
  }

  /** The attempt's tracker, noting whether it got as far as sending the file to the storage. */
  private static final class Attempt implements JobTracker {
    private final JobTracker outer;
    private volatile boolean storing;

    Attempt(JobTracker outer) {
      this.outer = outer;
    }

    @Override
    public void advance(long bytes) {
      outer.advance(bytes);
    }

    @Override
    public void phase(String phase, long total) {
      storing |= Job.STORING.equals(phase);
      outer.phase(phase, total);
    }

    @Override
    public void described(String name, long size) {
      outer.described(name, size);
    }

    @Override
    public boolean cancelRequested() {
      return outer.cancelRequested();
    }
  }

  private Result attempt(Job job, JobTracker tracker) throws InterruptedException {
    if (job.takenOver()) {
      // its last worker died: whatever it stored is the truth to start from
      Optional<Result> done = adoptOrClean(job, "its last worker had stored it before it stopped");
      if (done.isPresent()) {
        return done.get();
      }
    }
    if (job.failures() >= policy.maxAttempts()) {
      // the claim counts a taken-over lease as a failure: this job's earlier attempts ended with
      // their worker gone (crashed, or killed - e.g. out of memory); running it again could only
      // take the service down again
      throw new CrashLoop("gave up after " + job.failures() + " failed attempt"
          + (job.failures() == 1 ? "" : "s") + ", the last ending with the worker gone (the"
          + " process crashed or was killed while uploading it)");
    }
    Optional<StoredFile> entry = catalog.find(job.ownerId(), job.code());
    if (entry.isEmpty()) {
      throw new ScoutFailure(
          "the file " + job.code() + " was deleted before it was uploaded", Disposition.PERMANENT);
    }
    states.transition(job.code(), FileStatus.UPLOADING, null, null);
    listener.started(job);
    Fetched file = fetch(job, entry.get(), tracker);
    // whatever the source: a refused file fails for good, and its temp copy goes
    safety.requireAllowed(file.name(), file.file());
    String mime = file.mimeType() != null ? file.mimeType() : entry.get().mimeType();
    if (job.route().toChat(file.size(), routing.storeAboveBytes(), routing.chatLimitBytes())) {
      return deliver(job, file, mime, null, tracker);
    }
    tracker.phase(Job.STORING, file.size());
    Reporter storing = new Reporter(job, Job.STORING, file.size(), tracker);
    long start = nanos.getAsLong();
    StoredObject stored;
    try {
      stored = target.upload(new UploadRequest(file.file(), ObjectKeys.of(job.code(), file.name()),
          file.size(), mime, storing));
    } catch (ScoutFailure e) {
      if (!interrupted(e) && job.route().fallsBackToChat(file.size(), routing.chatLimitBytes())
          && policy.decide(job, e, clock.instant(), random) instanceof Settlement.Failed) {
        return deliver(job, file, mime, "storing failed (" + e.getMessage() + "), so it was"
            + " sent here instead", tracker);
      }
      throw e;
    }
    Duration took = Duration.ofNanos(nanos.getAsLong() - start);
    Result done = completed(job, entry.get(), stored);
    if (done == Result.COMPLETED) {
      throughput.observe(stored.size(), took);
      gc.afterUpload("queue");
      log.info("Upload completed: job {} stored {} as {} ({} bytes in {} ms, {})", job.id(),
          job.name(), job.code(), stored.size(), took.toMillis(), target.name());
      listener.completed(job, completedEntry(job, entry.get()));
    }
    return done;
  }

  /**
   * Records that {@code stored} holds the job's file: the catalog entry completes, then the job;
   * its temp files go. From here on the bytes are stored: a database failure must not turn that
   * into a failed attempt.
   *
   * @return {@link Result#COMPLETED}, or {@link Result#LOST} when another worker has the job
   */
  private Result completed(Job job, StoredFile entry, StoredObject stored) {
    if (!recorded(job, () -> states.transition(job.code(), FileStatus.COMPLETED, stored, null))) {
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
    jobDirs.release(job.id());
    return Result.COMPLETED;
  }

  /**
   * Asks the storage whether it holds the job's file (a worker that died after storing it, an
   * answer that was lost): if it does, the job completes with it, whatever its attempts; if what
   * is there is partial, it is removed. Jobs whose file was never fetched (its size unknown) have
   * nothing stored to ask about.
   *
   * @param why the log's words for how the object came to be there
   * @return the outcome when the storage held the file, else empty
   * @throws ScoutFailure when the storage cannot be asked (it is down); classified by the target
   */
  private Optional<Result> adoptOrClean(Job job, String why) {
    Optional<StoredFile> entry = catalog.find(job.ownerId(), job.code());
    if (entry.isEmpty() || entry.get().size() < 0) {
      return Optional.empty();
    }
    StoredFile e = entry.get();
    String key = ObjectKeys.of(job.code(), e.name());
    Presence p = target.presence(key, e.size(), sourceOf(job, e.size()));
    if (p instanceof Presence.Complete c) {
      Result done = completed(job, e, c.object());
      if (done == Result.COMPLETED) {
        log.info("Upload completed: job {} stored {} as {} ({} bytes, {}): {}", job.id(),
            e.name(), job.code(), c.object().size(), target.name(), why);
        listener.completed(job, completedEntry(job, e));
      }
      return Optional.of(done);
    }
    target.delete(((Presence.Incomplete) p).location());
    return Optional.empty();
  }

  /**
   * The local file the job's object was stored from, to hash for the record when the backend
   * keeps no digest: a local source, or the fetched file of that size in the job's directory.
   */
  private Path sourceOf(Job job, long size) {
    if (job.source() instanceof JobSource.LocalFile f) {
      return f.path();
    }
    Path dir = jobDirs.of(job.id());
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
      return files.filter(java.nio.file.Files::isRegularFile)
          .filter(p -> sizeOf(p) == size).findFirst().orElse(null);
    } catch (java.io.IOException e) {
      return null; // no directory: nothing fetched
    }
  }

  private static long sizeOf(Path p) {
    try {
      return java.nio.file.Files.size(p);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /**
   * Sends the fetched file into the job's chat instead of storing it: the job completes as
   * delivered, then its catalog entry goes (no code may point at nothing). A crash between the
   * send and the settlement sends it again when the job is taken over (at least once, never
   * lost); the job settles before the entry goes, since a taken-over job whose entry is gone
   * would fail as "deleted" although its owner has the file. (A crash between the two leaves
   * the entry behind, shown as unfinished.)
   *
   * @param note why a file meant for storage went to the chat, or null
   */
  private Result deliver(Job job, Fetched file, String mime, String note, JobTracker tracker)
      throws InterruptedException {
    tracker.phase(Job.SENDING, file.size());
    routing.delivery().send(job.route().chatId(), file.file(), file.name(), mime, note);
    if (!recorded(job, () -> queue.settle(job, new Settlement.Delivered(file.size())))) {
      return lost(job);
    }
    recorded(job, () -> deletions.markDeleted(job.ownerId(), job.code()));
    spool.release(job);
    jobDirs.release(job.id());
    log.info("Job {} ({}, {} bytes) was sent in its chat instead of being stored{}", job.id(),
        file.name(), file.size(), note == null ? "" : ": " + note);
    listener.delivered(job, note);
    return Result.DELIVERED;
  }

  /**
   * The job's source as a local file: a local file in place, anything else fetched into the job's
   * own directory (kept across retries, so a fetcher can resume). What fetching learned (a name the
   * server gave, the size) is recorded on the catalog entry and, with the next heartbeat, the job.
   */
  private Fetched fetch(Job job, StoredFile entry, JobTracker tracker)
      throws InterruptedException {
    boolean local = job.source() instanceof JobSource.LocalFile;
    Path dir = local ? jobDirs.of(job.id()) : jobDirs.open(job.id());
    if (!local) {
      tracker.phase(Job.FETCHING, job.size());
    }
    Reporter fetching = new Reporter(job, Job.FETCHING, job.size(), tracker);
    Fetched f = fetcher.fetch(new FetchRequest(job.id(), job.source(), entry.name(), dir,
        local ? Long.MAX_VALUE : maxFetchBytes, local ? FetchProgress.NONE : fetching));
    if (local) {
      // the size recorded at submission: the backend refuses a file that changed since
      return new Fetched(f.file(), entry.name(), job.size() >= 0 ? job.size() : f.size(), null);
    }
    if (!f.name().equals(entry.name()) || f.size() != entry.size()
        || (f.mimeType() != null && !f.mimeType().equals(entry.mimeType()))) {
      String mime = f.mimeType() != null ? f.mimeType() : entry.mimeType();
      states.describe(job.code(), f.name(), f.size(), mime);
      tracker.described(f.name(), f.size());
    }
    return f;
  }

  /**
   * Passes one phase's bytes to the attempt's tracker (heartbeats) and to the listener (front
   * ends' progress events). Called on the attempt's thread only.
   */
  private final class Reporter implements FetchProgress {
    private final Job job;
    private final String phase;
    private final JobTracker tracker;
    private long total;
    private long done;

    Reporter(Job job, String phase, long total, JobTracker tracker) {
      this.job = job;
      this.phase = phase;
      this.total = total;
      this.tracker = tracker;
    }

    @Override
    public void advance(long bytes) {
      done += bytes;
      tracker.advance(bytes);
      listener.progress(job, phase, done, total);
    }

    @Override
    public void expect(long totalBytes) {
      total = totalBytes;
    }

    @Override
    public void restart(long bytes) {
      tracker.phase(phase, total);
      tracker.advance(bytes);
      done = bytes;
      listener.progress(job, phase, done, total);
    }
  }

  /**
   * Settles a job its owner cancelled while it ran (or before a worker took it up): the catalog
   * entry fails as cancelled, its temp files go.
   */
  private Result cancelled(Job job) {
    boolean wasInterrupted = Thread.interrupted();
    try {
      String reason = "cancelled by its owner";
      removeWhatItStored(job);
      if (!recorded(job, () -> queue.settle(job, new Settlement.Cancelled(reason)))) {
        return lost(job);
      }
      if (recorded(job, () -> catalogEntryExists(job))) {
        recorded(job, () -> states.transition(job.code(), FileStatus.FAILED, null, reason));
      }
      spool.release(job);
      jobDirs.release(job.id());
      log.info("Job {} ({}) was cancelled by its owner", job.id(), job.name());
      listener.cancelled(job);
      return Result.CANCELLED;
    } finally {
      if (wasInterrupted && !Thread.currentThread().isInterrupted()) {
        // the interrupt was the cancel request's; the worker thread goes on to its next job
        Thread.interrupted();
      }
    }
  }

  /**
   * A job that would fail while the storage cannot say whether it holds the file: it is not told
   * "failed". A storage blocked by its configuration blocks the job (it runs again once that is
   * fixed); otherwise it waits, longer each time, uncounted, and asks again.
   */
  private Settlement unasked(Job job, Settlement.Failed f, ScoutFailure unasked) {
    String why = f.error() + "; the storage could not be asked whether it holds the file ("
        + unasked.getMessage() + ")";
    if (ScoutFailure.dispositionOf(unasked).kind() == Disposition.Kind.BLOCKED) {
      return new Settlement.Blocked(why);
    }
    return new Settlement.Retry(clock.instant().plus(policy.outageBackoff()
        .delay(Math.max(job.attempts() - 1, 0), random)), why + ", so the job waits and asks again",
        false);
  }

  /**
   * Removes whatever a cancelled job stored, whole or partial; when the storage cannot be reached
   * now, serve's sweep of ended jobs removes it at its next start.
   */
  private void removeWhatItStored(Job job) {
    try {
      Optional<StoredFile> entry = recorded(job, () -> catalog.find(job.ownerId(), job.code()));
      if (entry.isEmpty() || entry.get().size() < 0) {
        return;
      }
      target.delete(target.locationOf(ObjectKeys.of(job.code(), entry.get().name()),
          entry.get().size()));
    } catch (ScoutFailure e) {
      log.warn("Job {} ({}) was cancelled, but what it stored could not be removed now ({});"
          + " serve removes it at its next start", job.id(), job.name(), e.getMessage());
    }
  }

  /**
   * Settles a failed attempt.
   *
   * @param mayHaveStored whether any attempt got as far as sending the file: only then can the
   *     storage hold it, and only then is it asked before the job is declared failed
   */
  private Result failed(Job job, RuntimeException e, boolean mayHaveStored) {
    Settlement s = policy.decide(job, e, clock.instant(), random);
    if (e instanceof CrashLoop && s instanceof Settlement.Failed f) {
      s = new Settlement.Failed(f.error(), true); // the host's fault, maybe: keep the copy
    }
    // check the lease before touching the catalog, so a worker that lost the job does not
    // overwrite what its successor records; then the catalog, then the job row (see the class)
    if (recorded(job, () -> queue.renew(job, Heartbeat.leaseOnly())) == Lease.LOST) {
      return lost(job);
    }
    RuntimeException cause = e;
    if (s instanceof Settlement.Failed f && mayHaveStored) {
      // "failed" only after the storage was asked: it may hold the file after all (an answer that
      // was lost), and a job that fails for good leaves nothing behind there
      try {
        Optional<Result> adopted = adoptOrClean(job, "the storage holds it after all, although"
            + " the attempt failed (" + f.error() + ")");
        if (adopted.isPresent()) {
          return adopted.get();
        }
      } catch (ScoutFailure unasked) {
        if (interrupted(unasked)) {
          return release(job);
        }
        s = unasked(job, f, unasked);
        cause = unasked;
      }
    }
    Settlement settlement = s;
    boolean entryExists = recorded(job, () -> catalogEntryExists(job));
    if (settlement instanceof Settlement.Retry retry) {
      if (entryExists) {
        recorded(job, () -> states.transition(job.code(), FileStatus.PENDING, null,
            "retrying at " + retry.at() + ": " + retry.error()));
      }
      if (!recorded(job, () -> queue.settle(job, retry))) {
        return lost(job);
      }
      boolean outage = ScoutFailure.dispositionOf(cause).kind() == Disposition.Kind.UNAVAILABLE;
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
    if (settlement instanceof Settlement.Blocked blocked) {
      if (entryExists) {
        recorded(job, () -> states.transition(job.code(), FileStatus.PENDING, null,
            "blocked: " + blocked.reason()));
      }
      if (!recorded(job, () -> queue.settle(job, blocked))) {
        return lost(job);
      }
      log.warn("Job {} ({}) is blocked by the configuration: {}; it keeps its file and waits -"
          + " serve tries it again at its next start, when the storage's health check turns"
          + " healthy, or on `queue --retry " + job.id() + "`",
          job.id(), job.name(), blocked.reason());
      listener.blocked(job, blocked.reason());
      return Result.BLOCKED;
    }
    Settlement.Failed failed = (Settlement.Failed) settlement;
    if (entryExists) {
      recorded(job, () -> states.transition(job.code(), FileStatus.FAILED, null, failed.error()));
    }
    if (!recorded(job, () -> queue.settle(job, failed))) {
      return lost(job);
    }
    if (!failed.keepSource()) {
      spool.release(job);
    }
    jobDirs.release(job.id());
    log.warn("Upload failed: job {} ({}): {}; nothing was stored{}", job.id(), job.name(),
        failed.error(), ownedFile(job)
            ? failed.keepSource() ? "; its temp copy is kept for a retry (scoutbot queue --retry "
                + job.id() + ")" : " and its temp copy was removed"
            : "");
    listener.failed(job, failed.error(), failed.keepSource() && ownedFile(job));
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
      if (s instanceof Settlement.Failed f) {
        // "failed" only after the storage was asked, here too
        try {
          if (adoptOrClean(job, "the storage holds it after all").isPresent()) {
            return;
          }
        } catch (ScoutFailure unasked) {
          s = unasked(job, f, unasked);
        }
      }
      if (!queue.settle(job, s)) {
        return; // another worker has it
      }
      boolean exists = catalogEntryExists(job);
      switch (s) {
        case Settlement.Failed f -> {
          if (exists) {
            states.transition(job.code(), FileStatus.FAILED, null, f.error());
          }
          if (!f.keepSource()) {
            spool.release(job);
          }
          jobDirs.release(job.id());
          listener.failed(job, f.error(), f.keepSource() && ownedFile(job));
        }
        case Settlement.Blocked b -> {
          if (exists) {
            states.transition(job.code(), FileStatus.PENDING, null, "blocked: " + b.reason());
          }
          listener.blocked(job, b.reason());
        }
        case Settlement.Retry r -> {
          if (exists) {
            states.transition(job.code(), FileStatus.PENDING, null,
                "retrying at " + r.at() + ": " + r.error());
          }
          listener.retrying(job, r.at(), r.error());
        }
        default -> {
          if (exists) {
            states.transition(job.code(), FileStatus.PENDING, null, null);
          }
        }
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
        once(() -> states.transition(job.code(), FileStatus.PENDING, null, null));
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

  /**
   * A job whose earlier attempts ended with their worker gone: it may kill the service again, so
   * it ends, keeping its temp copy (a host short of memory is as likely a cause as the file).
   */
  private static final class CrashLoop extends ScoutFailure {
    CrashLoop(String message) {
      super(message, Disposition.PERMANENT);
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
