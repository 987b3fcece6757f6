package io.scoutbot.app;

import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.cli.CliContext;
import io.scoutbot.config.Redaction;
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
import io.scoutbot.resource.AdaptiveWorkLimit;
import io.scoutbot.resource.CoalescingGc;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.resource.ResourceProbe;
import io.scoutbot.resource.ResourceSnapshot;
import io.scoutbot.time.Sleeper;
import io.scoutbot.resource.ThrottleGate;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.local.LocalDirectoryStore;
import io.scoutbot.storage.pentaract.PentaractTarget;
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
import org.slf4j.event.Level;

/**
 * The composition root: builds every component from the configuration with plain constructors, on
 * first use, and owns their lifecycle. One per process. Thread-safe: building is synchronized, and
 * the built components are themselves thread-safe.
 */
final class Application implements CliContext, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Application.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  /** A local-store part file untouched this long belongs to no running upload. */
  private static final Duration STALE_PART_AGE = Duration.ofHours(1);
  /** GC-after-upload requests this close together become one collection. */
  private static final Duration GC_WINDOW = Duration.ofSeconds(2);
  /** Calm samples that give the work limit one slot back (one hysteresis window). */
  private static final int CALM_SAMPLES_PER_STEP = 3;
  /** How long a one-shot {@code status} waits for the monitor's second sample (its CPU figure). */
  private static final Duration STATUS_SAMPLE_WAIT = Duration.ofSeconds(2);
  /** Upload rate assumed for estimates until real uploads have been observed. */
  private static final double PRIOR_BYTES_PER_SECOND = 10 * 1024 * 1024;
  /** How often a CLI waiting for its uploads re-reads jobs another process runs. */
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);

  private final ScoutConfig config;
  private final InstantSource clock = InstantSource.system();
  private final MemoryBudget budget;
  private final Lifecycle lifecycle = new Lifecycle(STOP_TIMEOUT);
  private final JobEvents jobEvents = new JobEvents();
  private final Throughput throughput = new Throughput(PRIOR_BYTES_PER_SECOND);
  private volatile Database database;
  private volatile StorageTarget storage;
  private JdbcFileCatalog catalog;
  private JdbcUploadQueue uploadQueue;
  private JobSpool spool;
  private JobRunner runner;
  private UploadJobs uploadJobs;
  private UploadWorkers workers;
  private FileDesk files;
  private ResourceProbe probe;
  private volatile ResourceMonitor monitor;
  private volatile boolean monitorStarted;
  private AdaptiveWorkLimit workLimit;
  private ThrottleGate gate;
  private volatile CoalescingGc gc;
  private boolean serving;

  Application(ScoutConfig config) {
    this.config = config;
    this.budget = new MemoryBudget(budgetCapacity(config.resource().memoryBudgetBytes(),
        Runtime.getRuntime().maxMemory()), config.resource().maxMemoryBytes());
  }

  /**
   * RESOURCE_MEMORY_BUDGET_MB, or 40 % of the heap when 0; a setting above three quarters of the
   * heap is lowered to that, with a warning: a budget the heap cannot hold would let buffers run
   * into OutOfMemoryError instead of making operations stream smaller or wait.
   */
  static long budgetCapacity(long configured, long maxHeap) {
    if (configured <= 0) {
      return MemoryBudget.defaultCapacity(maxHeap);
    }
    long ceiling = Math.max(MemoryBudget.defaultCapacity(maxHeap), maxHeap / 4 * 3);
    if (configured > ceiling) {
      log.warn("RESOURCE_MEMORY_BUDGET_MB={} is more than this JVM's heap ({} MiB) can hold beside"
          + " everything else; using {} MiB (raise -Xmx in JAVA_OPTS to allow more)",
          configured >> 20, maxHeap >> 20, ceiling >> 20);
      return ceiling;
    }
    return configured;
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
          config.pentaract().enabled()
              ? PentaractTarget.create(
                  PentaractTarget.Settings.from(config.pentaract(), config.resource(),
                      config.dataDir()),
                  budget)
              : new LocalDirectoryStore(
                  config.dataDir().resolve("storage"), budget,
                  config.resource().streamingChunkSize());
    }
    return storage;
  }

  synchronized JdbcFileCatalog catalog() {
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
      monitor();
      spool = new JobSpool(config.tempDir().resolve("queue"), clock);
      runner =
          // the catalog is both ports: its entries and the deleted files' leftover objects
          new JobRunner(uploadQueue(), catalog(), catalog(), storage(), spool,
              RetryPolicy.withAttempts(config.queue().retryAttempts()), gate(), workLimit, gc(),
              jobEvents, throughput, clock, System::nanoTime, Sleeper.system(),
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
    ResourceMonitor m = monitor();
    // host pressure orders the queue small-first; read from the latest sample, never sampled here
    return new UploadWorkers(settings, uploadQueue(), uploadQueue(), spool, r, workLimit, budget,
        m::throttled, clock, ids, job -> progress);
  }

  private synchronized UploadJobs uploadJobs() {
    if (uploadJobs == null) {
      runner();
      uploadJobs =
          new UploadJobs(uploadQueue(), uploadQueue(), uploadQueue().limits(), spool, catalog(),
              jobEvents, gate(), this::workers, throughput,
              config.pentaract().maxConcurrentUploads(), WATCH_INTERVAL, clock, config.nodeId(),
              storage().name());
    }
    return uploadJobs;
  }

  @Override
  public synchronized FileDesk files() {
    if (files == null) {
      monitor();
      // one JdbcFileCatalog serves as both the catalog and its deletion side
      files = new FileDesk(catalog(), catalog(), storage(), gate(), workLimit, uploadJobs());
    }
    return files;
  }

  /** Starts the serve-wide worker pool; jobs submitted in this process wake it at once. */
  private synchronized void startWorkers() {
    if (workers == null) {
      // objects of files deleted while the backend was down: up to a thousand backend calls, so
      // in the background, neither delaying the workers nor holding this object's lock
      FileDesk desk = files();
      Thread.ofVirtual().name("scoutbot-leftover-objects").start(() -> {
        try {
          desk.removeLeftoverObjects();
        } catch (RuntimeException e) {
          log.warn("Could not remove the leftover objects of deleted files ({}); tried again at"
              + " the next start", e.getMessage());
        }
      });
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

  /**
   * The gate every heavy step passes: the throttle gate behind a lazy monitor start, or a gate that
   * never waits when RESOURCE_MONITORING_ENABLED=false.
   */
  private Gate gate() {
    return config.resource().monitoringEnabled() ? this::awaitCapacity : Gate.open();
  }

  /**
   * The governor's parts, built together on first use: probe, monitor, the gate reading it and the
   * work limit following it. Building starts no thread; {@link #startMonitoring} does.
   */
  private synchronized ResourceMonitor monitor() {
    if (monitor == null) {
      probe = ResourceProbe.system(config.dataDir());
      monitor =
          new ResourceMonitor(probe, config.resource(), clock, System::nanoTime)
              .lifecycleLogLevel(serving ? Level.INFO : Level.DEBUG);
      workLimit =
          new AdaptiveWorkLimit(config.pentaract().maxConcurrentUploads(), CALM_SAMPLES_PER_STEP);
      monitor.addListener(workLimit);
      gate =
          new ThrottleGate(monitor, config.resource().throttlePoll(),
              config.resource().throttleMaxWait(), config.resource().sampleInterval(),
              System::nanoTime, Sleeper.system());
    }
    return monitor;
  }

  /**
   * The file desk's gate. A one-shot command starts the monitor at its first heavy step, so commands
   * that never move a file ({@code list}, {@code info}, …) start no thread and read no counters; the
   * gate then waits for that first sample (milliseconds), so it decides on real pressure.
   */
  private void awaitCapacity(String operation) throws InterruptedException {
    if (!monitorStarted) {
      startMonitoring();
    }
    gate.awaitCapacity(operation);
  }

  /**
   * Starts background sampling unless RESOURCE_MONITORING_ENABLED=false; idempotent. Called by the
   * gate's first use and by {@code serve}; returns at once, the first sample is taken on the
   * monitor's thread.
   */
  private synchronized void startMonitoring() {
    ResourceMonitor m = monitor();
    if (config.resource().monitoringEnabled() && !m.running()) {
      m.start();
    }
    monitorStarted = true;
  }

  private synchronized CoalescingGc gc() {
    if (gc == null) {
      gc = CoalescingGc.create(config.resource().gcAfterUpload(), GC_WINDOW);
    }
    return gc;
  }

  /** What the governor knows now; never waits. For status, and later the status page and metrics. */
  synchronized ResourceSnapshot resourceSnapshot() {
    ResourceMonitor m = monitor();
    ResourceSnapshot.Work work =
        new ResourceSnapshot.Work(workLimit.limit(), workLimit.max(), workLimit.inFlight(),
            workLimit.waiting(), gate.waiting());
    return ResourceSnapshot.of(m, budget, work, gc().stats());
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> doc = new LinkedHashMap<>();
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("node_id", config.nodeId());
    service.put("data_dir", config.dataDir().toString());
    doc.put("service", service);
    doc.putAll(currentResources().toMap());
    Database db;
    try {
      db = database();
      doc.put("database", health(db.displayUrl(), db));
    } catch (ScoutFailure e) {
      // a status that fails when the database is down would hide everything else it knows
      db = null;
      Map<String, Object> down = new LinkedHashMap<>();
      down.put("name", Redaction.url(config.databaseUrl()));
      down.put("up", false);
      down.put("detail", e.getMessage());
      doc.put("database", down);
    }
    StorageTarget target = storage();
    Map<String, Object> st =
        health(target.name(), target instanceof HealthCheck h ? h : () -> HealthCheck.Health.up(""));
    doc.put("storage", st);
    if (db == null) {
      doc.put("queue", null); // unknown: the queue lives in the database
      return doc;
    }
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

  /**
   * The snapshot for {@code status}: in a one-shot command the monitor has just started, so this
   * waits (at most {@link #STATUS_SAMPLE_WAIT}) for its second sample, the first with a CPU figure.
   * With monitoring disabled it shows one direct reading (no CPU figure, never throttled).
   */
  private ResourceSnapshot currentResources() {
    ResourceMonitor m = monitor();
    if (!config.resource().monitoringEnabled()) {
      ResourceSnapshot s = resourceSnapshot();
      return new ResourceSnapshot(probe.sample(), clock.instant(), false, false, s.thresholds(),
          s.budget(), s.work(), s.gc());
    }
    startMonitoring();
    try {
      m.awaitAttempts(2, STATUS_SAMPLE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return resourceSnapshot();
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
    synchronized (this) {
      serving = true;
    }
    lifecycle
        .add("resource monitor", this::startMonitoring, this::stopMonitoring)
        .add("GC after upload", this::gc, this::closeGc)
        .add("database", this::database, this::closeDatabase)
        .add("storage", this::startStorage, this::closeStorage)
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
    if (target instanceof PentaractTarget pentaract) {
      // Pentaract being down must not stop the service: the breaker probes it in the background
      HealthCheck.Health health = pentaract.connect();
      if (health.up()) {
        log.info("Storage backend pentaract: {}", health.detail());
      } else {
        log.warn("Storage backend pentaract is not usable yet ({}); ScoutBot keeps running: {}",
            health.detail(), pentaract.unavailable()
                ? "storage work is kept (UNAVAILABLE) while a background check retries with backoff"
                : "storage operations fail with this reason until the setting is fixed");
      }
      return;
    }
    if (target instanceof HealthCheck h) {
      HealthCheck.Health health = h.check();
      if (!health.up() && target instanceof LocalDirectoryStore) {
        throw new IllegalStateException(health.detail());
      }
      log.info("Storage backend {}: {}", target.name(), health.detail());
    }
    if (target instanceof LocalDirectoryStore local) {
      // part files of uploads a crash interrupted; a running upload keeps touching its own
      local.sweepParts(STALE_PART_AGE);
    }
  }

  /** Not synchronized: the lifecycle calls it from its stop thread while close() holds the lock. */
  private void closeStorage() {
    StorageTarget target = storage;
    if (target instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("Closing storage backend {} failed: {}", target.name(), e.toString());
      }
    }
  }

  /**
   * Lock-free, like the other stops. Closing here, inside the shutdown hook, is what checkpoints
   * SQLite's WAL: the JVM halts once the hook returns, before the main thread's close() would run.
   */
  private void closeDatabase() {
    Database d = database;
    if (d != null) {
      d.close();
    }
  }

  /** Lock-free; a pending collection is pointless on the way out. */
  private void closeGc() {
    CoalescingGc g = gc;
    if (g != null) {
      g.close();
    }
  }

  /** Lock-free: the lifecycle runs it on its stop thread while close() may hold this object. */
  private void stopMonitoring() {
    ResourceMonitor m = monitor;
    if (m != null) {
      m.stop();
    }
  }

  @Override
  public synchronized void close() {
    lifecycle.stop();
    if (budget.peak() > 0) {
      log.atLevel(serving ? Level.INFO : Level.DEBUG)
          .log("Memory budget: peak {} of {} bytes (per operation {}); never exceeded",
              budget.peak(), budget.capacity(), budget.perOperation());
    }
    stopMonitoring();
    closeStorage();
    closeGc();
    closeDatabase();
  }
}
