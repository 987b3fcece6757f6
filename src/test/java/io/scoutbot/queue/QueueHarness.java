package io.scoutbot.queue;

import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.config.QueueConfig;
import io.scoutbot.db.Database;
import io.scoutbot.files.FileDesk;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.time.Sleeper;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  final MemoryBudget budget = new MemoryBudget(64 << 20, 16 << 20);
  final RetryPolicy policy = RetryPolicy.withAttempts(3);
  final JobRunner runner;
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
    runner =
        new JobRunner(queue, catalog, catalog, this.target, spool, policy, Gate.open(),
            WorkLimit.fixed(maxConcurrent), path -> gcRuns.incrementAndGet(), events, throughput,
            clock, clock, sleeper, () -> 0.0);
  }

  /** A worker pool over this harness; not started. */
  public UploadWorkers workers(Set<Long> onlyIds) {
    return new UploadWorkers(
        new UploadWorkers.Settings(worker, maxConcurrent, Duration.ofMillis(200), LEASE,
            Duration.ofSeconds(10), 1 << 20, policy.outageBackoff()),
        queue, queue, spool, runner, WorkLimit.fixed(maxConcurrent), budget, underPressure::get,
        clock, onlyIds, job -> Progress.NONE);
  }

  public UploadJobs jobs() {
    return new UploadJobs(queue, queue, queue.limits(), spool, catalog, events, Gate.open(),
        (ids, progress) -> workers(ids), throughput, maxConcurrent, Duration.ofMillis(50), clock,
        NODE, target.name());
  }

  /** The file desk front ends use, over this harness's queue and target. */
  public FileDesk desk() {
    return new FileDesk(catalog, catalog, target, Gate.open(), WorkLimit.fixed(maxConcurrent), jobs());
  }

  /** Runs, on this thread, every due job among {@code ids} once (one pass of a worker pool). */
  public int runDue(Set<Long> ids) {
    try (UploadWorkers pool = workers(ids)) {
      return pool.runDue();
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
    return jobs().submit(owner, f, name, size, copy);
  }

  @Override
  public void close() {
    db.close();
  }
}
