package io.scoutbot.app;

import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.cli.CliContext;
import io.scoutbot.config.ScoutConfig;
import io.scoutbot.db.Database;
import io.scoutbot.files.FileDesk;
import io.scoutbot.health.HealthCheck;
import io.scoutbot.queue.CodeRegistrar;
import io.scoutbot.queue.JdbcUploadQueue;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobEvents;
import io.scoutbot.queue.JobListener;
import io.scoutbot.queue.JobRunner;
import io.scoutbot.queue.JobSpool;
import io.scoutbot.queue.QueueCounts;
import io.scoutbot.queue.RetryPolicy;
import io.scoutbot.queue.Throughput;
import io.scoutbot.queue.UploadJobs;
import io.scoutbot.queue.UploadWorkers;
import io.scoutbot.queue.WorkerId;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.local.LocalDirectoryStore;
import io.scoutbot.transfer.Progress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component from the configuration with plain constructors, on
 * first use, and owns their lifecycle. One per process. Thread-safe: building is synchronized, and
 * the built components are themselves thread-safe.
 */
final class Application implements CliContext, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Application.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  /** Upload rate assumed for estimates until real uploads have been observed. */
  private static final double PRIOR_BYTES_PER_SECOND = 10 * 1024 * 1024;
  /** How often a CLI waiting for its uploads re-reads jobs another process runs. */
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);

  private final ScoutConfig config;
  private final InstantSource clock = InstantSource.system();
  private final MemoryBudget budget;
  private final Lifecycle lifecycle = new Lifecycle(STOP_TIMEOUT);
  private final Gate gate = Gate.open();
  private final WorkLimit workLimit;
  private final GcPolicy gc = GcPolicy.none();
  // host pressure for the queue's priority; the governor provides the real signal
  private final BooleanSupplier underPressure = () -> false;
  private final JobEvents jobEvents = new JobEvents();
  private final Throughput throughput = new Throughput(PRIOR_BYTES_PER_SECOND);
  private Database database;
  private StorageTarget storage;
  private FileCatalog catalog;
  private JdbcUploadQueue uploadQueue;
  private JobSpool spool;
  private JobRunner runner;
  private UploadJobs uploadJobs;
  private UploadWorkers workers;
  private FileDesk files;

  Application(ScoutConfig config) {
    this.config = config;
    long capacity =
        config.resource().memoryBudgetBytes() > 0
            ? config.resource().memoryBudgetBytes()
            : MemoryBudget.defaultCapacity(Runtime.getRuntime().maxMemory());
    this.budget = new MemoryBudget(capacity, config.resource().maxMemoryBytes());
    this.workLimit = WorkLimit.fixed(config.pentaract().maxConcurrentUploads());
  }

  ScoutConfig config() {
    return config;
  }

  /** Logs every effective setting, secrets masked; at INFO for {@code serve}, DEBUG otherwise. */
  void logEffectiveConfig(boolean serving) {
    StringBuilder b = new StringBuilder("Effective configuration:");
    config.effective().forEach((k, v) -> b.append("\n  ").append(k).append('=').append(v));
    if (serving) {
      log.info("{}", b);
    } else {
      log.debug("{}", b);
    }
  }

  synchronized Database database() {
    if (database == null) {
      database = Database.open(config.databaseUrl());
    }
    return database;
  }

  synchronized StorageTarget storage() {
    if (storage == null) {
      storage =
          new LocalDirectoryStore(
              config.dataDir().resolve("storage"), budget, config.resource().streamingChunkSize());
    }
    return storage;
  }

  synchronized FileCatalog catalog() {
    if (catalog == null) {
      catalog = new JdbcFileCatalog(database(), FileCodes.random(), clock);
    }
    return catalog;
  }

  synchronized JdbcUploadQueue uploadQueue() {
    if (uploadQueue == null) {
      uploadQueue =
          new JdbcUploadQueue(database(), CodeRegistrar.catalog(catalog()), clock, config.queue());
    }
    return uploadQueue;
  }

  private synchronized JobRunner runner() {
    if (runner == null) {
      spool = new JobSpool(config.tempDir().resolve("queue"), clock);
      runner =
          new JobRunner(uploadQueue(), catalog(), storage(), spool,
              RetryPolicy.withAttempts(config.queue().retryAttempts()), gate, workLimit, gc,
              jobEvents, throughput, clock, System::nanoTime,
              () -> ThreadLocalRandom.current().nextDouble());
    }
    return runner;
  }

  /** A worker pool over the queue: every due job of this node when {@code ids} is empty. */
  private UploadWorkers workers(Set<Long> ids, Progress progress) {
    JobRunner r = runner();
    Duration lease = config.queue().lease();
    Duration housekeeping = lease.compareTo(Duration.ofSeconds(10)) < 0 ? lease
        : Duration.ofSeconds(10);
    UploadWorkers.Settings settings =
        new UploadWorkers.Settings(WorkerId.current(config.nodeId()),
            config.pentaract().maxConcurrentUploads(), config.queue().pollInterval(), lease,
            housekeeping, config.resource().streamingChunkSize(),
            RetryPolicy.withAttempts(1).outageBackoff());
    return new UploadWorkers(settings, uploadQueue(), uploadQueue(), spool, r, workLimit, budget,
        underPressure, clock, ids, job -> progress);
  }

  private synchronized UploadJobs uploadJobs() {
    if (uploadJobs == null) {
      runner();
      uploadJobs =
          new UploadJobs(uploadQueue(), uploadQueue(), uploadQueue().limits(), spool, catalog(),
              jobEvents, gate, this::workers, throughput,
              config.pentaract().maxConcurrentUploads(), WATCH_INTERVAL, clock, config.nodeId(),
              storage().name());
    }
    return uploadJobs;
  }

  @Override
  public synchronized FileDesk files() {
    if (files == null) {
      files = new FileDesk(catalog(), storage(), gate, workLimit, uploadJobs());
    }
    return files;
  }

  /** Starts the serve-wide worker pool; jobs submitted in this process wake it at once. */
  private synchronized void startWorkers() {
    if (workers == null) {
      files();
      workers = workers(Set.of(), Progress.NONE);
      UploadWorkers w = workers;
      jobEvents.subscribe(
          new JobListener() {
            @Override
            public void enqueued(Job job) {
              w.wake();
            }
          });
      workers.start();
    }
  }

  private void stopWorkers() {
    UploadWorkers w;
    synchronized (this) {
      w = workers;
    }
    if (w != null) {
      w.close();
    }
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> doc = new LinkedHashMap<>();
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("node_id", config.nodeId());
    service.put("data_dir", config.dataDir().toString());
    doc.put("service", service);
    doc.put("database", health(database().displayUrl(), database()));
    StorageTarget target = storage();
    Map<String, Object> st =
        health(target.name(), target instanceof HealthCheck h ? h : () -> HealthCheck.Health.up(""));
    doc.put("storage", st);
    Map<String, Object> mem = new LinkedHashMap<>();
    mem.put("capacity_bytes", budget.capacity());
    mem.put("per_operation_bytes", budget.perOperation());
    mem.put("in_use_bytes", budget.inUse());
    doc.put("memory_budget", mem);
    QueueCounts counts = uploadJobs().counts();
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("pending", counts.pending());
    queue.put("running", counts.running());
    queue.put("completed", counts.completed());
    queue.put("failed", counts.failed());
    queue.put("cancelled", counts.cancelled());
    queue.put("oldest_pending",
        counts.oldestPending() == null ? null : counts.oldestPending().toString());
    queue.put("max_concurrent_uploads", config.pentaract().maxConcurrentUploads());
    queue.put("upload_rate_bytes_per_second", Math.round(uploadJobs().bytesPerSecond()));
    UploadWorkers w;
    synchronized (this) {
      w = workers;
    }
    if (w != null) {
      queue.put("running_here", w.inFlight());
      queue.put("paused_for_outage_until",
          w.pausedUntil().isAfter(clock.instant()) ? w.pausedUntil().toString() : null);
      queue.put("unexpected_errors", w.unexpectedErrors());
    }
    doc.put("queue", queue);
    return doc;
  }

  private static Map<String, Object> health(String name, HealthCheck check) {
    HealthCheck.Health h = check.check();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("up", h.up());
    m.put("detail", h.detail());
    return m;
  }

  @Override
  public void serve() throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    lifecycle
        .add("database", this::database, () -> {})
        .add("storage", this::startStorage, () -> {})
        .add("file desk", this::files, () -> {})
        .add("upload workers", this::startWorkers, this::stopWorkers);
    Thread hook =
        Thread.ofPlatform()
            .name("scoutbot-shutdown")
            .unstarted(
                () -> {
                  log.info("Stopping ScoutBot");
                  lifecycle.stop();
                  stopped.countDown();
                });
    Runtime.getRuntime().addShutdownHook(hook);
    lifecycle.start();
    log.info("ScoutBot is running (storage: {}, database: {}); stop with Ctrl-C or SIGTERM",
        storage().name(), database().displayUrl());
    stopped.await();
  }

  private void startStorage() {
    StorageTarget target = storage();
    if (target instanceof HealthCheck h) {
      HealthCheck.Health health = h.check();
      if (!health.up() && target instanceof LocalDirectoryStore) {
        throw new IllegalStateException(health.detail());
      }
      log.info("Storage backend {}: {}", target.name(), health.detail());
    }
  }

  @Override
  public synchronized void close() {
    lifecycle.stop();
    if (database != null) {
      database.close();
    }
  }
}
