package io.scoutbot.queue;

import io.scoutbot.catalog.DeletedFiles;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.cleanup.JobDirs;
import io.scoutbot.config.QueueConfig;
import io.scoutbot.db.Database;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.StatusParts;
import io.scoutbot.files.StatusReport;
import io.scoutbot.health.HealthCheck;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.time.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole queue in one process for tests: SQLite in a temp folder, the real catalog, queue, spool,
 * runner and workers over a {@link FakeStorage}, all on a {@link ManualClock}. Not thread-safe to
 * build; the parts are.
 */
public final class QueueHarness implements AutoCloseable {

  static final String NODE = "test-node";
  static final Duration LEASE = Duration.ofSeconds(30);

  final Path dir;
  public final ManualClock clock = new ManualClock();
  final Database db;
  public final JdbcFileCatalog catalog;
  final JdbcUploadQueue queue;
  final JobSpool spool;
  final FakeStorage storage = new FakeStorage();
  /** The backend the runner stores into: {@link #storage} unless another target was given. */
  public final StorageTarget target;
  final JobEvents events = new JobEvents();
  final Throughput throughput = new Throughput(1_000_000);
  final AtomicInteger gcRuns = new AtomicInteger();
  final AtomicBoolean underPressure = new AtomicBoolean();
  /** The file policy the runner applies to every fetched file; everything passes by default. */
  volatile io.scoutbot.safety.FilePolicy safety = io.scoutbot.safety.FilePolicy.allowAll();
  /** Where chat-routed jobs go; no chat unless a test says. */
  volatile JobRunner.Routing routing = JobRunner.Routing.storeOnly();
  /** What the workers' storage health check answers. */
  final AtomicBoolean storageHealthy = new AtomicBoolean(true);
  /** How often the workers asked {@link #storageHealthy}. */
  final AtomicInteger healthChecks = new AtomicInteger();
  /** The governor's gate the workers pass before running a job; open unless a test says. */
  volatile Gate gate = Gate.open();
  final MemoryBudget budget = new MemoryBudget(64 << 20, 16 << 20);
  final RetryPolicy policy = RetryPolicy.withAttempts(3);
  final JobDirs jobDirs;
  /** How the harness's runner fetches sources: local files only, unless a test says otherwise. */
  final io.scoutbot.fetch.Fetcher fetchers = io.scoutbot.fetch.Fetchers.localOnly();
  JobRunner runner;
  final WorkerId worker = new WorkerId(NODE, ProcessHandle.current().pid(), 0);
  /** How the runner waits out a database outage; by default it advances the clock and returns. */
  volatile Sleeper sleeper = d -> clock.advance(d);
  final int maxConcurrent;

  QueueHarness(Path dir, int maxConcurrent, int maxRunningPerUser) {
    this(dir, maxConcurrent, maxRunningPerUser, null);
  }

  /** A harness storing into {@code target} (e.g. Pentaract against its fake) instead of a fake. */
  public QueueHarness(Path dir, int maxConcurrent, int maxRunningPerUser, StorageTarget target) {
    this.target = target == null ? storage : target;
    this.dir = dir;
    this.maxConcurrent = maxConcurrent;
    db = Database.open("jdbc:sqlite:" + dir.resolve("h.db"));
    catalog = new JdbcFileCatalog(db, FileCodes.random(), clock);
    queue =
        new JdbcUploadQueue(db, CodeRegistrar.catalog(catalog), clock,
            new QueueConfig(1000, 1L << 40, maxRunningPerUser, LEASE, 3, Duration.ofSeconds(1),
                Duration.ofMinutes(10), Duration.ofDays(30)));
    spool = new JobSpool(dir.resolve("tmp/queue"), clock);
    jobDirs = new JobDirs(dir.resolve("tmp/jobs"));
    runner = runner(fetchers);
  }

  /** From now on the harness's runner fetches sources with {@code fetchers}. */
  void useFetchers(io.scoutbot.fetch.Fetcher fetchers) {
    runner = runner(fetchers);
  }

  /** A runner over this harness that fetches sources with {@code fetcher}. */
  JobRunner runner(io.scoutbot.fetch.Fetcher fetcher) {
    return runner(fetcher, events);
  }

  /** A runner over this harness telling {@code listener}, as another process's runner would. */
  JobRunner runnerPublishingTo(JobListener listener) {
    return runner(fetchers, listener);
  }

  private JobRunner runner(io.scoutbot.fetch.Fetcher fetcher, JobListener listener) {
    return new JobRunner(
        new JobRunner.Ports(queue, catalog, catalog, catalog, this.target, spool, jobDirs, fetcher,
            1L << 30, safety),
        new JobRunner.Governor(WorkLimit.fixed(maxConcurrent),
            path -> gcRuns.incrementAndGet()),
        routing,
        policy, listener, throughput,
        new JobRunner.Seams(clock, clock, d -> sleeper.sleep(d), () -> 0.0));
  }

  /** A worker pool over this harness; not started. */
  public UploadWorkers workers(Set<Long> onlyIds) {
    return workers(onlyIds, runner);
  }

  /** A worker pool over this harness running jobs with {@code r}; not started. */
  UploadWorkers workers(Set<Long> onlyIds, JobRunner r) {
    return new UploadWorkers(
        new UploadWorkers.Settings(worker, maxConcurrent, Duration.ofMillis(200), LEASE,
            Duration.ofSeconds(10), 1 << 20, policy.outageBackoff()),
        new UploadWorkers.Ports(queue, queue, spool, r, () -> {
          healthChecks.incrementAndGet();
          return storageHealthy.get();
        }),
        new UploadWorkers.Governor(gate, WorkLimit.fixed(maxConcurrent), budget,
            underPressure::get),
        clock, Sleeper.system(), onlyIds);
  }

  /** The facade front ends use, over this harness's queue and target. */
  public FileDesk desk() {
    return desk(catalog, catalog, target);
  }

  /** The facade over this harness's queue, with the given catalog and backend in their place. */
  FileDesk desk(FileCatalog catalog, DeletedFiles deleted, StorageTarget target) {
    return new FileDesk(
        new FileDesk.Parts(catalog, this.catalog, deleted, queue, queue, queue,
            new io.scoutbot.prefs.JdbcPreferences(db, clock), queue.limits(), spool,
            target,
            Gate.open(), WorkLimit.fixed(maxConcurrent), events, this::workers, throughput,
            maxConcurrent, NODE, Duration.ofMillis(50), io.scoutbot.fetch.UrlScreen.none(),
            new StatusParts(new StatusReport.Service(NODE, dir.toString(), "test"),
                () -> { throw new UnsupportedOperationException("no governor in the harness"); },
                "harness database", db, target.name(), () -> HealthCheck.Health.up("harness"),
                maxConcurrent, Optional::empty, Map::of)),
        clock, System::nanoTime, Sleeper.system());
  }

  /** Runs, on this thread, every due job among {@code ids} once (one pass of a worker pool). */
  public int runDue(Set<Long> ids) {
    try (UploadWorkers pool = workers(ids)) {
      return pool.runDue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running due jobs", e);
    }
  }

  /** The queue's view of jobs, for assertions from other packages. */
  public JobBoard board() {
    return queue;
  }

  /** A file of {@code size} random bytes under the harness folder. */
  public Path file(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(name.hashCode()).nextBytes(data);
    Path p = dir.resolve("files").resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, data);
    return p;
  }

  /** Submits a file as a job of {@code owner}; {@code copy} puts it into temp space first. */
  public Job submit(long owner, String name, int size, boolean copy) throws Exception {
    Path f = file(name, size);
    Path source = copy ? spool.copyIn(f) : f.toAbsolutePath();
    Job job = queue.enqueue(new NewJob(owner, new io.scoutbot.fetch.JobSource.LocalFile(source,
        NODE, copy), name, size, target.name()));
    events.enqueued(job);
    return job;
  }

  @Override
  public void close() {
    db.close();
  }
}
