package io.scoutbot.files;

import io.scoutbot.catalog.DeletedFiles;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.FileStates;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.fetch.UrlScreen;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobActions;
import io.scoutbot.queue.JobBoard;
import io.scoutbot.queue.JobEvents;
import io.scoutbot.queue.JobQuery;
import io.scoutbot.queue.JobSpool;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.NewJob;
import io.scoutbot.queue.Route;
import io.scoutbot.queue.QueueLimits;
import io.scoutbot.queue.UploadQueue;
import io.scoutbot.queue.UploadWorkers;
import io.scoutbot.prefs.Preferences;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.ObjectKeys;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.time.Sleeper;
import io.scoutbot.transfer.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door every front end (CLI, bot, web) uses: store files from any source (waiting for the
 * outcome or not), follow, cancel and list jobs, subscribe to job events, list, describe, download
 * and delete stored files, statistics and the status report — all as view records of this package,
 * never the core's rows. Thread-safe. Every failure is a {@link ScoutFailure} whose message can be
 * shown to the user as it is.
 *
 * <p>Storing is always a durable job of the upload queue: recorded (with the file's code) before
 * the caller is told anything, run by a worker that passes the governor's gate and work limit, and
 * told to subscribers as it happens. Downloads pass the gate and work limit here.
 */
public final class FileDesk implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileDesk.class);

  /** Covers every unfinished job one user can have (QUEUE_MAX_JOBS_PER_USER is at most this). */
  private static final int OWNER_JOBS = 100_000;
  /** How many recent failures the status report lists. */
  static final int RECENT_FAILURES = 10;
  /**
   * Copies into temp space at least this large pass the governor's gate (once per process): a
   * copy is disk I/O the host may not have room for now, but queueing must stay cheap, so smaller
   * copies never wait and twenty large files do not wait twenty times.
   */
  static final long LARGE_COPY = 256L << 20;

  /** Builds a worker pool that runs only the given jobs (a CLI running its own submissions). */
  @FunctionalInterface
  public interface ScopedWorkers {
    UploadWorkers forJobs(Set<Long> ids);
  }

  /**
   * The core parts the facade works with. Immutable.
   *
   * @param deleted the catalog's deletion side
   * @param events where the queue's workers publish; the facade's event feed listens there
   * @param workers a pool for a caller's own jobs, so {@link #store} works without a running serve
   * @param slots uploads running at once (PENTARACT_MAX_CONCURRENT_UPLOADS), for estimates
   * @param node this host's name: local-file jobs run on it
   * @param watchInterval how often jobs run by other processes are looked at
   * @param urls refuses at submission a URL its fetch would refuse for certain
   * @param status what the status report reads besides the queue
   */
  public record Parts(
      FileCatalog catalog,
      FileStates states,
      DeletedFiles deleted,
      UploadQueue queue,
      JobBoard board,
      JobActions actions,
      Preferences prefs,
      QueueLimits limits,
      JobSpool spool,
      StorageTarget target,
      Gate gate,
      WorkLimit workLimit,
      JobEvents events,
      ScopedWorkers workers,
      io.scoutbot.queue.Throughput throughput,
      int slots,
      String node,
      Duration watchInterval,
      UrlScreen urls,
      StatusParts status) {

    public Parts {
      Objects.requireNonNull(catalog, "catalog");
      Objects.requireNonNull(states, "states");
      Objects.requireNonNull(deleted, "deleted");
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(board, "board");
      Objects.requireNonNull(actions, "actions");
      Objects.requireNonNull(prefs, "prefs");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(spool, "spool");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(gate, "gate");
      Objects.requireNonNull(workLimit, "workLimit");
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(workers, "workers");
      Objects.requireNonNull(throughput, "throughput");
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(watchInterval, "watchInterval");
      Objects.requireNonNull(urls, "urls");
      Objects.requireNonNull(status, "status");
    }
  }

  private final Parts p;
  private final InstantSource clock;
  private final Estimates estimates;
  private final JobFeed feed;
  private final StatusReporter reporter;
  private final JobEvents.Subscription feeding;
  private final java.util.concurrent.atomic.AtomicBoolean copyGatePassed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param nanos monotonic time, for progress rates
   * @param sleeper paces the watcher of jobs other processes run
   */
  public FileDesk(Parts parts, InstantSource clock, LongSupplier nanos, Sleeper sleeper) {
    this.p = parts;
    this.clock = clock;
    this.estimates = new Estimates(parts.board(), parts.throughput(), parts.slots(),
        parts.target().name(), clock);
    this.feed = new JobFeed(parts.board(), parts.catalog(), estimates, clock, nanos, sleeper,
        parts.watchInterval());
    this.reporter = new StatusReporter(parts.status(), parts.board(), estimates, feed, clock);
    this.feeding = parts.events().subscribe(feed);
  }

  /** The storage backend files go to ({@code local} or {@code pentaract}). */
  public String backend() {
    return p.target().name();
  }

  // ---------------------------------------------------------------- storing

  /**
   * Checks that {@code file} can be stored: it exists, is a regular file and is readable. Nothing is
   * written anywhere when it fails.
   *
   * @throws ScoutFailure saying what is wrong with it
   */
  public static void requireStorable(Path file) {
    if (!Files.exists(file)) {
      throw rejected(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw rejected(file + ": is a directory; give the files inside it instead");
    }
    if (!Files.isRegularFile(file)) {
      throw rejected(file + ": not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw rejected(file + ": permission denied (cannot read it)");
    }
  }

  /**
   * Queues {@code submission} for {@code ownerId} and returns at once with its job (and the code the
   * file will have); a worker — this process's {@code serve}, or another's — stores it, and
   * subscribers are told how it goes. A local file submitted with {@link Submission#localCopy} is
   * copied into temp space first, so its owner may delete or move the original.
   *
   * @throws ScoutFailure when the file cannot be stored (missing, unreadable) or a queue limit is
   *     reached; nothing is recorded then
   */
  public JobView submit(long ownerId, Submission submission) throws InterruptedException {
    Job job = enqueue(ownerId, submission);
    return Views.job(job, null);
  }

  /**
   * Stores every submission for {@code ownerId} and returns once each is stored or has failed for
   * good. Each is checked first; one that fails the check is reported and nothing is recorded for
   * it. The others become queued jobs at once (each with its code), run in this process — or in a
   * running {@code serve} that claims them first — up to the concurrency limits, retrying transient
   * failures and outages as the queue does.
   *
   * @param listener told every event of these jobs as it happens (at most every 250 ms for
   *     progress), on a thread of its own
   * @return one outcome per submission, in the given order
   */
  public List<UploadOutcome> store(long ownerId, List<Submission> submissions,
      Consumer<JobEvent> listener) throws InterruptedException {
    List<UploadOutcome> refused = new ArrayList<>();
    Map<Long, Submission> queued = new LinkedHashMap<>();
    List<Object> order = new ArrayList<>();
    for (Submission s : submissions) {
      try {
        Job job = enqueue(ownerId, s);
        queued.put(job.id(), s);
        order.add(job.id());
      } catch (ScoutFailure e) {
        UploadOutcome o = new UploadOutcome(s, null, null, e.getMessage());
        refused.add(o);
        order.add(o);
      }
    }
    Map<Long, JobView> ended = queued.isEmpty() ? Map.of() : runToEnd(ownerId, queued.keySet(),
        listener);
    List<UploadOutcome> out = new ArrayList<>();
    for (Object o : order) {
      if (o instanceof UploadOutcome refusal) {
        out.add(refusal);
        continue;
      }
      long id = (Long) o;
      JobView j = ended.get(id);
      FileView f = p.catalog().find(ownerId, j.code()).map(Views::file).orElse(null);
      boolean stored = j.state() == JobView.State.COMPLETED && f != null && f.stored();
      out.add(new UploadOutcome(queued.get(id), j, f, stored ? null
          : j.state() == JobView.State.BLOCKED ? "blocked: " + j.lastError() + "; the job stays"
              + " queued with its file, and a running serve tries it again once this is fixed"
              + " (or scoutbot queue --retry " + j.id() + ")"
          : j.lastError() == null ? "upload " + j.state().label() : j.lastError()));
    }
    return out;
  }

  /**
   * Waits until every job of {@code ids} has ended: run by a pool of this process scoped to them,
   * or by whichever process claims them first.
   */
  private Map<Long, JobView> runToEnd(long ownerId, Set<Long> ids, Consumer<JobEvent> listener)
      throws InterruptedException {
    ReentrantLock lock = new ReentrantLock();
    Condition changed = lock.newCondition();
    Consumer<JobEvent> mine = e -> {
      if (ids.contains(e.jobId())) {
        listener.accept(e);
        if (e.last() || e instanceof JobEvent.Blocked) {
          lock.lock();
          try {
            changed.signalAll();
          } finally {
            lock.unlock();
          }
        }
      }
    };
    Map<Long, JobView> ended = new HashMap<>();
    try (Subscription s = feed.subscribe(OptionalLong.of(ownerId),
        Duration.ofMillis(250), mine);
        UploadWorkers pool = p.workers().forJobs(Set.copyOf(ids))) {
      pool.start();
      while (true) {
        for (long id : ids) {
          if (!ended.containsKey(id)) {
            // a blocked job waits for an operator, not for this caller: stop waiting for it
            p.board().find(id).filter(j -> j.state().finished() || j.state() == JobState.BLOCKED)
                .ifPresent(j -> ended.put(id, Views.job(j, null)));
          }
        }
        if (ended.size() == ids.size()) {
          return ended;
        }
        lock.lockInterruptibly();
        try {
          changed.awaitNanos(p.watchInterval().toNanos());
        } finally {
          lock.unlock();
        }
      }
    }
  }

  private Job enqueue(long ownerId, Submission s) throws InterruptedException {
    return switch (s.kind()) {
      case LOCAL_FILE -> enqueueLocal(ownerId, s);
      case URL -> {
        p.urls().screen(s.url());
        yield record(ownerId, new JobSource.Url(s.url()),
            s.name() != null ? cleanName(s.name()) : nameFromUrl(s.url()), s.size(), s.tag(),
            route(s), null);
      }
      case TELEGRAM_FILE -> record(ownerId, new JobSource.TelegramFile(s.telegramFileId()),
          cleanName(s.name() == null ? "file" : s.name()), s.size(), s.tag(), route(s), null);
    };
  }

  private Job enqueueLocal(long ownerId, Submission s) throws InterruptedException {
    long size = storableSize(s.file());
    Path abs = s.file().toAbsolutePath().normalize();
    String name = cleanName(s.name() == null ? fileName(s.file()) : s.name());
    if (!s.copy()) {
      return record(ownerId, new JobSource.LocalFile(abs, p.node(), false), name, size, s.tag(),
          route(s), null);
    }
    // refuse before copying a large file that would be refused anyway
    p.limits().check(p.board().usage(ownerId), size);
    if (size >= LARGE_COPY && !copyGatePassed.get()) {
      p.gate().awaitCapacity("copy to temp space");
      copyGatePassed.set(true);
    }
    Path copy = p.spool().copyIn(abs);
    long copied = fileSize(copy, size);
    return record(ownerId, new JobSource.LocalFile(copy, p.node(), true), name, copied, s.tag(),
        route(s), copy);
  }

  /** Records the job; a copy made for it is discarded when recording fails. */
  private Job record(long ownerId, JobSource source, String name, long size, String tag,
      Route route, Path copy) {
    try {
      Job job = p.queue().enqueue(new NewJob(ownerId, source, name, size, p.target().name(), tag,
          route));
      p.events().enqueued(job);
      log.info("Queued job {}: {} as {} ({}, {})", job.id(), name, job.code(),
          size < 0 ? "size unknown" : size + " bytes", describe(source));
      return job;
    } catch (RuntimeException e) {
      if (copy != null) {
        p.spool().discard(copy);
      }
      throw e;
    }
  }

  private static Route route(Submission s) {
    return switch (s.mode()) {
      case STORAGE -> Route.STORE;
      case CHAT -> new Route(Route.Kind.CHAT, s.chatId());
      case AUTO -> new Route(Route.Kind.AUTO, s.chatId());
    };
  }

  /** Where {@code ownerId}'s fetched files go, as they chose with the bot's {@code /mode}. */
  public Submission.Mode mode(long ownerId) {
    return switch (p.prefs().route(ownerId)) {
      case STORE -> Submission.Mode.STORAGE;
      case CHAT -> Submission.Mode.CHAT;
      case AUTO -> Submission.Mode.AUTO;
    };
  }

  /** Records where {@code ownerId}'s fetched files go from now on. */
  public void setMode(long ownerId, Submission.Mode mode) {
    p.prefs().setRoute(ownerId, switch (mode) {
      case STORAGE -> Route.Kind.STORE;
      case CHAT -> Route.Kind.CHAT;
      case AUTO -> Route.Kind.AUTO;
    });
  }

  private static String describe(JobSource source) {
    return switch (source) {
      case JobSource.LocalFile f -> f.owned() ? "copied to temp space" : "read in place";
      case JobSource.Url u -> "from " + u.url();
      case JobSource.TelegramFile t -> "from Telegram";
    };
  }

  // ---------------------------------------------------------------- jobs

  /**
   * The owner's jobs (every user's when empty): unfinished ones in queue order with their estimated
   * finish, then the most recent finished ones; at most {@code limit}.
   */
  public List<JobView> jobs(OptionalLong ownerId, int limit) {
    Estimates.Plan plan = estimates.plan();
    List<JobView> out = new ArrayList<>();
    for (Job j : plan.unfinished()) {
      if (out.size() < limit && (ownerId.isEmpty() || j.ownerId() == ownerId.getAsLong())) {
        out.add(Views.job(j, plan.eta().get(j.id()), workerGone(j)));
      }
    }
    if (out.size() < limit) {
      for (Job j : p.board().list(JobQuery.history(ownerId, limit - out.size()))) {
        out.add(Views.job(j, null));
      }
    }
    return out;
  }

  /** The owner's job {@code jobId}; empty for unknown jobs and other users' jobs alike. */
  public Optional<JobView> job(long ownerId, long jobId) {
    return p.board().find(jobId).filter(j -> j.ownerId() == ownerId)
        .map(j -> Views.job(j, null, workerGone(j)));
  }

  /**
   * Cancels the owner's job. A pending job is cancelled at once: its file's entry fails as
   * cancelled and its temp copy goes. A running one is asked to stop; its worker does within
   * seconds (at its next heartbeat), and subscribers are told when it has.
   *
   * @return the job as it is now: cancelled, or running with the request recorded
   * @throws ScoutFailure when the owner has no such job, or it has already ended
   */
  public JobView cancel(long ownerId, long jobId) {
    Job job = p.actions().cancel(ownerId, jobId);
    if (job.state() == JobState.CANCELLED) {
      if (job.code() != null) {
        p.states().transition(job.code(), FileStatus.FAILED, null, "cancelled by its owner");
      }
      p.spool().release(job);
      log.info("Cancelled job {} ({})", job.id(), job.name());
      p.events().cancelled(job);
    } else {
      log.info("Job {} ({}) is running; asked its worker to stop", job.id(), job.name());
    }
    return Views.job(job, null);
  }

  /**
   * Runs the owner's failed or blocked job again: back in the queue now, its failed attempts
   * forgotten, its file's entry pending again.
   *
   * @throws ScoutFailure when the owner has no such job, it is not failed or blocked, or its source
   *     is gone (a local file deleted, a temp copy removed because the file itself was refused)
   */
  public JobView retry(long ownerId, long jobId) {
    Job before = p.board().find(jobId).filter(j -> j.ownerId() == ownerId)
        .orElseThrow(() -> new ScoutFailure("no job " + jobId, Disposition.PERMANENT));
    if (before.source() instanceof JobSource.LocalFile f && !Files.isReadable(f.path())) {
      throw new ScoutFailure("job " + jobId + " cannot be retried: its file " + (f.owned()
          ? "copy was removed" : f.path() + " is gone") + "; upload the file again",
          Disposition.PERMANENT);
    }
    if (p.catalog().find(ownerId, before.code()).isEmpty()) {
      throw new ScoutFailure("job " + jobId + " cannot be retried: its file " + before.code()
          + " was deleted", Disposition.PERMANENT);
    }
    Job job = p.actions().retry(ownerId, jobId);
    p.states().transition(job.code(), FileStatus.PENDING, null, null);
    p.events().enqueued(job);
    log.info("Job {} ({}) goes back to the queue at its owner's request", job.id(), job.name());
    return Views.job(job, null);
  }

  /**
   * Tells {@code listener} the events of {@code ownerId}'s jobs (every user's when empty), wherever
   * they run, on a thread of its own, until the returned subscription is closed.
   *
   * @param progressEvery the least time between two progress events of one job
   */
  public Subscription subscribe(OptionalLong ownerId, Duration progressEvery,
      Consumer<JobEvent> listener) {
    return feed.subscribe(ownerId, progressEvery, listener);
  }

  // ---------------------------------------------------------------- stored files

  /** The owner's stored files, newest first. */
  public List<FileView> list(long ownerId) {
    return p.catalog().page(ownerId, 0, Integer.MAX_VALUE).stream().map(Views::file).toList();
  }

  /**
   * Page {@code page} (from 1; a page past the end gives the last one) of the owner's stored files,
   * newest first, {@code size} per page.
   */
  public FilePage page(long ownerId, int page, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a page holds at least one file: " + size);
    }
    StorageStats stats = stats(ownerId);
    int pages = (int) Math.max(1, (stats.files() + size - 1) / size);
    int n = Math.min(Math.max(page, 1), pages);
    List<FileView> files = p.catalog().page(ownerId, (n - 1) * size, size).stream()
        .map(Views::file).toList();
    return new FilePage(files, n, pages, stats.files(), stats.totalBytes());
  }

  /** The owner's file, in any state but deleted; empty for unknown codes and other users' codes. */
  public Optional<FileView> info(long ownerId, String code) {
    String c = FileCodes.normalise(code);
    return c == null ? Optional.empty() : p.catalog().find(ownerId, c).map(Views::file);
  }

  /** The owner's statistics. */
  public StorageStats stats(long ownerId) {
    return Views.stats(p.catalog().stats(ownerId));
  }

  /**
   * Writes the owner's file {@code code} to {@code output} (a file, or a directory to put it in
   * under its name), verifying size and SHA-256 before the file appears there.
   *
   * @param progress told the bytes written as they arrive
   * @return the path written
   */
  public Path download(long ownerId, String code, Path output,
      java.util.function.LongConsumer progress) throws InterruptedException {
    StoredFile f = completed(ownerId, code);
    Path out = Files.isDirectory(output) ? output.resolve(ObjectKeys.sanitise(f.name())) : output;
    Path dir = out.toAbsolutePath().getParent();
    Path temp =
        dir.resolve(".scoutbot-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36)
            + ".part");
    p.gate().awaitCapacity("download " + f.code());
    try (WorkLimit.Slot slot = p.workLimit().acquire("download " + f.code())) {
      Files.createDirectories(dir);
      Received got =
          f.size() == 0 && f.segments() == 0
              ? emptyFile(temp)
              : p.target().download(f.remotePath(), temp, progress::accept);
      if (got.size() != f.size() || !got.sha256().equals(f.sha256())) {
        throw new ScoutFailure(
            "verification failed for " + f.code() + ": expected " + f.size() + " bytes with SHA-256 "
                + f.sha256() + ", received " + got.size() + " bytes with SHA-256 " + got.sha256()
                + "; nothing was written to " + out,
            Disposition.RETRY);
      }
      moveIntoPlace(temp, out);
      return out;
    } catch (IOException e) {
      throw new ScoutFailure("cannot write " + out + ": " + e.getMessage(), Disposition.PERMANENT,
          e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort: the part file has a hidden name and is never mistaken for the download
      }
    }
  }

  /**
   * Deletes the owner's file: marks its entry deleted (in one step with reading what it points to,
   * so an upload finishing at that moment cannot leave its object behind), cancels a job still
   * waiting for it, then removes the stored object. When the backend cannot remove the object now,
   * the file is still deleted for its owner; the entry remembers the object and {@link
   * #removeLeftoverObjects} (run by {@code serve} at start) tries again.
   *
   * @return the file as it was before it was deleted
   */
  public FileView delete(long ownerId, String code) {
    return remove(ownerId, code).file();
  }

  /**
   * Like {@link #delete}, and says whether the stored object is gone too: when the backend cannot
   * remove it now, the file is still deleted for its owner and the answer says why the object is
   * left (for a front end to tell the user).
   */
  public Deletion remove(long ownerId, String code) {
    String c = FileCodes.normalise(code);
    StoredFile f = (c == null ? Optional.<StoredFile>empty() : p.deleted().markDeleted(ownerId, c))
        .orElseThrow(() -> notFound(code));
    // a file deleted before it was uploaded must not keep its job, quota and temp copy
    cancelPendingFor(ownerId, f.code());
    ScoutFailure left = removeObject(f);
    log.info("Deleted {} ({})", f.code(), f.name());
    return new Deletion(Views.file(f), left == null ? null : left.getMessage());
  }

  /**
   * Cancels the owner's waiting (pending or blocked) jobs for {@code code}, which frees their quota
   * and temp copies; a running one notices the deletion.
   */
  private void cancelPendingFor(long ownerId, String code) {
    for (Job job : p.board().list(JobQuery.unfinished(OptionalLong.of(ownerId), OWNER_JOBS))) {
      if (code.equals(job.code())
          && (job.state() == JobState.PENDING || job.state() == JobState.BLOCKED)) {
        try {
          cancel(ownerId, job.id());
        } catch (ScoutFailure e) {
          // it ended meanwhile, or started: the runner sees the deletion and stops
          log.debug("job {} could not be cancelled: {}", job.id(), e.getMessage());
        }
      }
    }
  }

  /**
   * Removes the stored objects of deleted files that an earlier {@link #delete} could not remove.
   * Stops at the first failure that may pass (the backend is down: the next start tries again);
   * an object the backend refuses for good stays recorded, logged at every start.
   *
   * @return how many objects were removed
   */
  public int removeLeftoverObjects() {
    int removed = 0;
    for (StoredFile f : p.deleted().deletedWithObjects(1000)) {
      ScoutFailure failed = removeObject(f);
      if (failed == null) {
        removed++;
      } else if (failed.disposition().kind() != Disposition.Kind.PERMANENT) {
        break; // not once per file against a backend that is down or misconfigured
      }
    }
    if (removed > 0) {
      log.info("Removed {} stored object(s) of deleted files that an earlier delete left behind",
          removed);
    }
    return removed;
  }

  /** Removes {@code f}'s stored object, if any; returns why it could not, or null. */
  private ScoutFailure removeObject(StoredFile f) {
    if (f.remotePath() == null) {
      return null;
    }
    try {
      p.target().delete(f.remotePath());
    } catch (ScoutFailure e) {
      log.warn("Deleted {} ({}) for its owner, but its stored object {} could not be removed"
          + " ({}); serve tries again at its next start", f.code(), f.name(), f.remotePath(),
          e.getMessage());
      return e;
    }
    p.deleted().objectRemoved(f.code());
    return null;
  }

  // ---------------------------------------------------------------- status

  /** The status report: resources, health, queue, transfers in flight, recent failures. */
  public StatusReport status() {
    return reporter.report();
  }

  /** Stops the event feed's threads. */
  @Override
  public void close() {
    feeding.close();
    feed.close();
  }

  // ---------------------------------------------------------------- helpers

  private StoredFile completed(long ownerId, String code) {
    String c = FileCodes.normalise(code);
    StoredFile f = (c == null ? Optional.<StoredFile>empty() : p.catalog().find(ownerId, c))
        .orElseThrow(() -> notFound(code));
    if (f.status() != FileStatus.COMPLETED) {
      throw new ScoutFailure(
          "file " + f.code() + " is not available for download: it is " + f.status().dbValue()
              + (f.error() == null ? "" : " (" + f.error() + ")"),
          Disposition.PERMANENT);
    }
    return f;
  }

  /**
   * Whether a running job's worker is gone: its lease ran out (no heartbeat for a lease's length),
   * or it ran on this node in a process that has ended.
   */
  private boolean workerGone(Job j) {
    if (j.state() != JobState.RUNNING) {
      return false;
    }
    if (j.leaseUntil() != null && j.leaseUntil().isBefore(clock.instant())) {
      return true;
    }
    return j.leaseOwner() != null && io.scoutbot.queue.WorkerId.parse(j.leaseOwner())
        .map(w -> w.isDeadOn(p.node())).orElse(false);
  }

  private static long storableSize(Path file) {
    requireStorable(file);
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw rejected(file + ": cannot read its size (" + e.getMessage() + ")");
    }
  }

  private static long fileSize(Path file, long fallback) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return fallback;
    }
  }

  private static String fileName(Path file) {
    return file.getFileName() == null ? file.toString() : file.getFileName().toString();
  }

  /** The last path segment of {@code url}, decoded, as a provisional name until the server says. */
  static String nameFromUrl(URI url) {
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    int slash = path.lastIndexOf('/');
    String last = slash < 0 ? path : path.substring(slash + 1);
    try {
      last = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // keep it as written
    }
    String name = cleanName(last);
    return name.equals("file") && url.getHost() != null
        ? cleanName(url.getHost().toLowerCase(Locale.ROOT)) : name;
  }

  private static Received emptyFile(Path temp) throws IOException {
    Files.write(temp, new byte[0]);
    return new Received(0, Sha256.empty());
  }

  private static void moveIntoPlace(Path temp, Path out) throws IOException {
    try {
      Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The user's name minus path, control and bidirectional-override characters; the catalog shows it
   * back to them, so {@code invoice<RLO>txt.exe} must not display as {@code invoiceexe.txt}.
   */
  static String cleanName(String name) {
    String n = name;
    int slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
    n = n.substring(slash + 1);
    StringBuilder b = new StringBuilder();
    n.codePoints()
        .filter(cp -> !Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT)
        .forEach(b::appendCodePoint);
    String s = b.toString().strip();
    return s.isEmpty() ? "file" : s;
  }

  /** The failure for an unknown code, another user's code included: both read the same. */
  public static ScoutFailure notFound(String code) {
    String shown = code == null ? "" : code.strip().toUpperCase(Locale.ROOT);
    return new ScoutFailure("File not found with code: " + shown, Disposition.PERMANENT);
  }

  private static ScoutFailure rejected(String message) {
    return new ScoutFailure(message, Disposition.PERMANENT);
  }
}
