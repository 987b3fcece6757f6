package io.scoutbot.app;

import io.scoutbot.bot.ScoutBot;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.cleanup.DiskGauge;
import io.scoutbot.cleanup.JobDirs;
import io.scoutbot.cleanup.TempSweeper;
import io.scoutbot.cli.CliContext;
import io.scoutbot.config.ScoutConfig;
import io.scoutbot.db.Database;
import io.scoutbot.download.NetGuard;
import io.scoutbot.fetch.Fetchers;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.StatusParts;
import io.scoutbot.files.StatusReport;
import io.scoutbot.health.HealthCheck;
import io.scoutbot.metrics.GovernorMeters;
import io.scoutbot.metrics.JobMetrics;
import io.scoutbot.metrics.PentaractMeters;
import io.scoutbot.metrics.PrometheusMetrics;
import io.scoutbot.metrics.QueueMeters;
import io.scoutbot.metrics.ResourceHistory;
import io.scoutbot.metrics.TransferMetrics;
import io.scoutbot.prefs.JdbcPreferences;
import io.scoutbot.queue.ChatDelivery;
import io.scoutbot.queue.CodeRegistrar;
import io.scoutbot.queue.JdbcUploadQueue;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobEvents;
import io.scoutbot.queue.JobListener;
import io.scoutbot.queue.JobRunner;
import io.scoutbot.queue.JobSpool;
import io.scoutbot.queue.RetryPolicy;
import io.scoutbot.queue.StorageSweep;
import io.scoutbot.queue.Throughput;
import io.scoutbot.queue.UploadWorkers;
import io.scoutbot.queue.WorkerId;
import io.scoutbot.resource.AdaptiveWorkLimit;
import io.scoutbot.resource.CoalescingGc;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.resource.ResourceProbe;
import io.scoutbot.resource.ResourceSnapshot;
import io.scoutbot.resource.ThrottleGate;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.safety.FilePolicy;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.local.LocalDirectoryStore;
import io.scoutbot.storage.pentaract.PentaractTarget;
import io.scoutbot.telegram.BotApi;
import io.scoutbot.telegram.BotApiFailure;
import io.scoutbot.telegram.CallbackAnswers;
import io.scoutbot.telegram.DeliveryRequest;
import io.scoutbot.telegram.FileDelivery;
import io.scoutbot.telegram.Html;
import io.scoutbot.telegram.Messages;
import io.scoutbot.telegram.TelegramFileFetcher;
import io.scoutbot.telegram.Updates;
import io.scoutbot.time.Sleeper;
import io.scoutbot.web.Readiness;
import io.scoutbot.web.WebServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The composition root: builds every component from the configuration, in dependency order, with
 * plain constructors, in its constructor (below, top to bottom); starts and stops them for {@code
 * serve}. Building connects to nothing and starts no thread: the database opens at its first query,
 * the resource monitor starts at the first heavy step (or with {@code serve}), so a one-shot command
 * pays only for what it uses. One per process. Thread-safe.
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
  /** How often jobs run by another process are looked at by a waiting CLI or a subscriber. */
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);
  /** How long one getUpdates waits on the Bot API server for an update. */
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(50);
  /** The longest wait between two tries to start the bot while Telegram cannot be reached. */
  private static final Duration BOT_RETRY_MAX = Duration.ofSeconds(60);
  /** Where, under TMPFILE_PATH, the bot keeps a file it sends back from storage. */
  private static final String BOT_SENDING = "bot";

  private final ScoutConfig config;
  private final boolean serving;
  private final InstantSource clock = InstantSource.system();
  private final Sleeper sleeper = Sleeper.system();
  private final Lifecycle lifecycle = new Lifecycle(STOP_TIMEOUT);

  // the governor
  private final MemoryBudget budget;
  private final ResourceProbe probe;
  private final ResourceMonitor monitor;
  private final AdaptiveWorkLimit workLimit;
  private final ThrottleGate throttleGate;
  private final Gate gate;
  private final CoalescingGc gc;
  // storage, database and queue
  private final StorageTarget storage;
  private final Database database;
  private final JdbcFileCatalog catalog;
  private final JdbcUploadQueue queue;
  private final JobSpool spool;
  private final JobDirs jobDirs;
  private final UrlFetching urls;
  private final TempSweeper sweeper;
  private final JobEvents events = new JobEvents();
  private final Throughput throughput = new Throughput(PRIOR_BYTES_PER_SECOND);
  private final JobRunner runner;
  // the facade
  private final FileDesk files;
  // the Telegram bot (serve with BOT_TOKEN only): Bot API access, then the front end on the facade
  private final BotApi botApi;
  private final ScoutBot bot;
  private volatile Thread botStarter;

  // operator surfaces (serve only): metrics, the resource history, the HTTP server
  private final PrometheusMetrics metrics;
  private final ResourceHistory history;
  private final WebServer web;

  /** The serve-wide pool; its own lock, since the lifecycle stops it while close() holds this. */
  private final AtomicReference<UploadWorkers> workers = new AtomicReference<>();

  /** @param env the process environment (yt-dlp is looked for on its PATH) */
  Application(ScoutConfig config, boolean serving, Map<String, String> env) {
    this.config = config;
    this.serving = serving;
    var r = config.resource();

    budget = new MemoryBudget(budgetCapacity(r.memoryBudgetBytes(),
        Runtime.getRuntime().maxMemory()), r.maxMemoryBytes());
    // the system probe loads the JVM's management beans: built at the first sample, not before
    probe = ResourceProbe.deferred(() -> ResourceProbe.system(config.dataDir()));
    monitor = new ResourceMonitor(probe, r, clock, System::nanoTime)
        .lifecycleLogLevel(serving ? Level.INFO : Level.DEBUG);
    workLimit = new AdaptiveWorkLimit(config.pentaract().maxConcurrentUploads(),
        CALM_SAMPLES_PER_STEP);
    monitor.addListener(workLimit);
    throttleGate = new ThrottleGate(monitor, r.throttlePoll(), r.throttleMaxWait(),
        r.sampleInterval(), System::nanoTime, sleeper);
    gate = r.monitoringEnabled() ? new MonitorStartingGate(throttleGate, this::startMonitoring)
        : Gate.open();
    gc = CoalescingGc.create(r.gcAfterUpload(), GC_WINDOW);

    storage = config.pentaract().enabled()
        ? PentaractTarget.create(
            PentaractTarget.Settings.from(config.pentaract(), r, config.dataDir()), budget)
        : new LocalDirectoryStore(config.dataDir().resolve("storage"), budget,
            r.streamingChunkSize());
    database = Database.deferred(config.databaseUrl());
    catalog = new JdbcFileCatalog(database, FileCodes.random(), clock);
    queue = new JdbcUploadQueue(database, CodeRegistrar.catalog(catalog), clock, config.queue());
    spool = new JobSpool(config.tempDir().resolve("queue"), clock);
    jobDirs = new JobDirs(config.tempDir().resolve("jobs"));
    urls = new UrlFetching(config, budget, env);
    // only serve talks to Telegram; one-shot commands never build the client
    botApi = serving && config.telegram().enabled() ? BotApi.open(config.telegram(), sleeper)
        : null;
    Fetchers fetchers = Fetchers.localOnly().with("url", urls);
    if (botApi != null) {
      fetchers = fetchers.with("telegram",
          new TelegramFileFetcher(botApi, budget, r.streamingChunkSize()));
    }
    sweeper = new TempSweeper(jobDirs, this::unfinishedJobIds, gate, workLimit,
        DiskGauge.of(config.tempDir()),
        new TempSweeper.Settings(config.pentaract().autoCleanup(),
            config.pentaract().cleanupInterval(), config.cleanup().minAge(),
            r.diskThreshold()),
        clock, sleeper);
    runner = new JobRunner(
        // the catalog is all three ports: lookups, state changes and the deleted files' objects
        new JobRunner.Ports(queue, catalog, catalog, catalog, storage, spool, jobDirs,
            fetchers, config.download().maxBytes(),
            FilePolicy.standard(config.safety(), budget)),
        new JobRunner.Governor(workLimit, gc),
        routing(),
        RetryPolicy.withAttempts(config.queue().retryAttempts()), events, throughput,
        new JobRunner.Seams(clock, System::nanoTime, sleeper,
            () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble()));

    files = new FileDesk(
        new FileDesk.Parts(catalog, catalog, catalog, queue, queue, queue,
            new JdbcPreferences(database, clock), queue.limits(), spool,
            storage, gate, workLimit, events, this::workersFor, throughput,
            config.pentaract().maxConcurrentUploads(), config.nodeId(), WATCH_INTERVAL,
            url -> NetGuard.of(config.download().allowPrivateNetworks()).screen(url),
            new StatusParts(
                new StatusReport.Service(config.nodeId(), config.dataDir().toString(),
                    Version.current()),
                serving ? this::resourceSnapshot : this::firstResourceSnapshot,
                database.displayUrl(), database,
                storage.name(), storage instanceof HealthCheck h ? h
                    : () -> HealthCheck.Health.up(""),
                config.pentaract().maxConcurrentUploads(), this::workersState,
                this::components)),
        clock, System::nanoTime, sleeper);

    bot = botApi == null ? null : new ScoutBot(new ScoutBot.Parts(files,
        Updates.longPolling(botApi, POLL_TIMEOUT), Messages.over(botApi),
        CallbackAnswers.over(botApi), FileDelivery.over(botApi, gate, workLimit, gc),
        botApi.limits(), config.telegram(), config.tempDir().resolve(BOT_SENDING), clock),
        ScoutBot.Pace.STANDARD);

    if (serving) {
      metrics = PrometheusMetrics.create();
      history = ResourceHistory.lastHour(monitor, clock);
      metrics.bind(GovernorMeters.monitor(monitor), GovernorMeters.gate(throttleGate),
          GovernorMeters.budget(budget), GovernorMeters.workLimit(workLimit),
          GovernorMeters.gc(gc), QueueMeters.depth(queue::counts));
      if (storage instanceof PentaractTarget pentaract) {
        metrics.bind(PentaractMeters.circuit(pentaract::unavailable));
        pentaract.observeRequests(PentaractMeters.requests(metrics.registry()));
      }
      events.subscribe(jobMeters(JobMetrics.on(metrics.registry()),
          TransferMetrics.on(metrics.registry())));
      web = config.http().enabled()
          ? WebServer.create(config.http(), new WebServer.Sources(
              () -> files.status().toMap(), this::readiness, metrics::scrape, history::toMap))
          : null;
    } else {
      metrics = null;
      history = null;
      web = null;
    }
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

  /** Logs every effective setting, secrets masked; at INFO for {@code serve}, DEBUG otherwise. */
  void logEffectiveConfig() {
    StringBuilder b = new StringBuilder("Effective configuration:");
    config.effective().forEach((k, v) -> b.append("\n  ").append(k).append('=').append(v));
    log.atLevel(serving ? Level.INFO : Level.DEBUG).log("{}", b);
  }

  @Override
  public FileDesk files() {
    return files;
  }

  // ---------------------------------------------------------------- serve

  @Override
  public void serve() throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = Thread.ofPlatform().name("scoutbot-shutdown").unstarted(() -> {
      log.info("Stopping ScoutBot");
      lifecycle.stop();
      stopped.countDown();
    });
    Runtime.getRuntime().addShutdownHook(hook);
    startServing();
    stopped.await();
  }

  /**
   * Starts every component of {@code serve} in order (stopped in reverse by {@link #close()} or
   * the shutdown hook) and returns; in-process tests call it instead of {@link #serve()}.
   */
  void startServing() {
    lifecycle
        .add("resource monitor", this::startMonitoring, monitor::stop)
        .add("GC after upload", () -> {}, gc::close)
        .add("database", database::dataSource, database::close)
        .add("storage", this::startStorage, this::closeStorage)
        .add("file desk", this::reconcileStorage, files::close)
        .add("URL fetching", urls::start, urls::close)
        .add("temp space", sweeper::start, sweeper::close);
    if (botApi != null) {
      // workers send files through it: it closes after they stop
      lifecycle.add("Bot API client", () -> {}, botApi::close);
    }
    lifecycle.add("upload workers", this::startWorkers, this::stopWorkers);
    if (bot != null) {
      lifecycle.add("Telegram bot", this::startBot, this::stopBot);
    } else {
      log.info("The Telegram bot is off (BOT_TOKEN is empty); everything else runs");
    }
    if (web != null) {
      // last: it stops first, so no request reaches a component that is stopping
      lifecycle.add("HTTP server", web::start, web::close);
    } else {
      log.info("The HTTP server is off (HTTP_ADDR=off): no status page, /health or /metrics");
    }
    lifecycle.start();
    log.info("ScoutBot is running (storage: {}, database: {}); stop with Ctrl-C or SIGTERM",
        storage.name(), database.displayUrl());
  }

  /** Database and storage, each as its own health check says now: for {@code /ready}. */
  private Readiness readiness() {
    HealthCheck.Health db = database.check();
    HealthCheck.Health st = storage instanceof HealthCheck h ? h.check()
        : HealthCheck.Health.up(storage.name());
    return new Readiness(List.of(new Readiness.Part("database", db.up(), db.detail()),
        new Readiness.Part("storage", st.up(), st.detail())));
  }

  /** Job and transfer metrics from this process's job events. */
  private JobListener jobMeters(JobMetrics jobs, TransferMetrics transfers) {
    return new JobListener() {
      @Override
      public void started(Job job) {
        jobs.started(Duration.between(job.nextAttemptAt(), clock.instant()));
      }

      @Override
      public void completed(Job job, StoredFile file) {
        jobs.finished(JobMetrics.Outcome.COMPLETED,
            Duration.between(job.createdAt(), clock.instant()));
        if (file != null) {
          transfers.transferred(TransferMetrics.Direction.UPLOAD, storage.name(), file.size());
        }
      }

      @Override
      public void delivered(Job job, String note) {
        jobs.finished(JobMetrics.Outcome.COMPLETED,
            Duration.between(job.createdAt(), clock.instant()));
      }

      @Override
      public void failed(Job job, String reason, boolean copyKept) {
        jobs.finished(JobMetrics.Outcome.FAILED,
            Duration.between(job.createdAt(), clock.instant()));
      }

      @Override
      public void cancelled(Job job) {
        jobs.finished(JobMetrics.Outcome.CANCELLED,
            Duration.between(job.createdAt(), clock.instant()));
      }

      @Override
      public void retrying(Job job, Instant nextAttempt, String reason) {
        jobs.retrying();
      }
    };
  }

  /** A worker pool over the queue: every due job of this node when {@code ids} is empty. */
  private UploadWorkers workersFor(Set<Long> ids) {
    Duration lease = config.queue().lease();
    Duration housekeeping = lease.compareTo(Duration.ofSeconds(10)) < 0 ? lease
        : Duration.ofSeconds(10);
    return new UploadWorkers(
        new UploadWorkers.Settings(WorkerId.current(config.nodeId()),
            config.pentaract().maxConcurrentUploads(), config.queue().pollInterval(), lease,
            housekeeping, config.resource().streamingChunkSize(),
            RetryPolicy.withAttempts(1).outageBackoff()),
        new UploadWorkers.Ports(queue, queue, spool, runner,
            () -> !(storage instanceof HealthCheck h) || h.check().up()),
        // host pressure orders the queue small-first; read from the latest sample, never sampled
        new UploadWorkers.Governor(gate, workLimit, budget, monitor::throttled),
        clock, sleeper, ids);
  }

  /** Starts the serve-wide worker pool; jobs submitted in this process wake it at once. */
  private void startWorkers() {
    UploadWorkers w = workersFor(Set.of());
    workers.set(w);
    events.subscribe(new io.scoutbot.queue.JobListener() {
      @Override
      public void enqueued(io.scoutbot.queue.Job job) {
        w.wake();
      }
    });
    w.start();
  }

  private void stopWorkers() {
    UploadWorkers w = workers.get();
    if (w != null) {
      w.close();
    }
  }

  private Optional<StatusParts.Workers> workersState() {
    UploadWorkers w = workers.get();
    return w == null ? Optional.empty()
        : Optional.of(new StatusParts.Workers(w.inFlight(), w.pausedUntil(),
            w.unexpectedErrors()));
  }

  /** Optional components in the status report, as far as this process started them. */
  private Map<String, StatusReport.Health> components() {
    Map<String, StatusReport.Health> c = new LinkedHashMap<>();
    if (serving) {
      c.put("http", new StatusReport.Health("http", web != null, web != null
          ? "listening on " + config.http().host() + ":" + config.http().port()
          : "off (HTTP_ADDR=off)"));
    }
    if (bot != null) {
      // only when configured: a bot that is off on purpose is not a component that is down
      c.put("bot", bot.receiving()
          ? new StatusReport.Health("bot", true, "receiving updates from " + botApi.baseUrl())
          : new StatusReport.Health("bot", false, "not receiving updates: Telegram at "
              + botApi.baseUrl() + " could not be reached or refused the token; retrying"));
    }
    urls.ytDlpHealth().ifPresent(h -> c.put("yt_dlp", h));
    return c;
  }

  /** The jobs whose temp directories the sweep keeps: every unfinished one, on any node. */
  private Set<Long> unfinishedJobIds() {
    Set<Long> ids = new java.util.HashSet<>();
    for (io.scoutbot.queue.Job j : queue.list(io.scoutbot.queue.JobQuery.unfinished(
        java.util.OptionalLong.empty(), Integer.MAX_VALUE))) {
      ids.add(j.id());
    }
    return ids;
  }

  /**
   * Makes the storage agree with the catalog and the queue after whatever happened while no serve
   * ran: objects of files deleted while the backend was down, and objects of jobs that ended
   * without their file stored (adopted when a failed job's file is complete, else removed). Up to
   * a thousand backend calls, so in the background, delaying nothing.
   */
  private void reconcileStorage() {
    StorageSweep sweep = new StorageSweep(queue, catalog, catalog, storage, gate, events);
    Thread.ofVirtual().name("scoutbot-storage-reconcile").start(() -> {
      try {
        files.removeLeftoverObjects();
        sweep.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.warn("Could not reconcile the storage with the catalog ({}); tried again at the next"
            + " start", e.getMessage());
      }
    });
  }

  private void startStorage() {
    if (storage instanceof PentaractTarget pentaract) {
      // Pentaract being down must not stop the service: the breaker probes it in the background
      HealthCheck.Health health = pentaract.connect();
      if (health.up()) {
        log.info("Storage backend pentaract: {}", health.detail());
      } else {
        log.warn("Storage backend pentaract is not usable yet ({}); ScoutBot keeps running: {}",
            health.detail(), pentaract.unavailable()
                ? "storage work is kept (UNAVAILABLE) while a background check retries with backoff"
                : "uploads wait (blocked) with their files until this is fixed; they are tried"
                    + " again at the next start, or as soon as the storage answers");
      }
      return;
    }
    if (storage instanceof LocalDirectoryStore local) {
      HealthCheck.Health health = local.check();
      if (!health.up()) {
        throw new IllegalStateException(health.detail());
      }
      log.info("Storage backend {}: {}", storage.name(), health.detail());
      // part files of uploads a crash interrupted; a running upload keeps touching its own
      local.sweepParts(STALE_PART_AGE);
    }
  }

  /** Lock-free: the lifecycle calls it from its stop thread while close() may hold the lock. */
  private void closeStorage() {
    if (storage instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("Closing storage backend {} failed: {}", storage.name(), e.toString());
      }
    }
  }

  // ---------------------------------------------------------------- the governor

  /**
   * Starts background sampling unless RESOURCE_MONITORING_ENABLED=false; idempotent. Called by the
   * gate's first use and by {@code serve}; returns at once, the first sample is taken on the
   * monitor's thread.
   */
  private void startMonitoring() {
    if (config.resource().monitoringEnabled() && !monitor.running()) {
      monitor.start();
    }
  }

  /**
   * Where chat-routed jobs go: files up to PENTARACT_UPLOAD_THRESHOLD (and within Telegram's
   * limit) are sent in the chat the job came from. Only the bot routes jobs to a chat.
   */
  private JobRunner.Routing routing() {
    return new JobRunner.Routing(config.pentaract().uploadThresholdBytes(),
        config.telegram().uploadLimitBytes(),
        botApi == null ? ChatDelivery.none() : chatDelivery(botApi));
  }

  /**
   * Sends a job's file into its chat. The runner already holds the gate's pass and a work slot
   * for the job, so this delivery's own gate is open and its work limit never waits; the
   * GC-after-upload policy runs after each successful send.
   */
  private ChatDelivery chatDelivery(BotApi api) {
    FileDelivery delivery = FileDelivery.over(api, Gate.open(),
        WorkLimit.fixed(Integer.MAX_VALUE), gc);
    return (chatId, file, name, mimeType, note) -> delivery.deliver(new DeliveryRequest(chatId,
        file, name, note == null ? Html.text(name) : Html.format("%s\n⚠️ %s", name, note),
        mimeType, null, null));
  }

  /**
   * Starts the bot. When Telegram cannot be reached, or refuses the token, serve goes on without
   * it and tries again in the background (backoff up to a minute), so a network outage at start
   * does not stop the storage service.
   */
  private void startBot() throws InterruptedException {
    // copies /storage download was sending when an earlier process stopped: outside the job
    // directories, so the temp sweep does not see them
    Path sending = config.tempDir().resolve(BOT_SENDING);
    try {
      JobDirs.deleteTree(sending);
    } catch (IOException e) {
      log.warn("Cannot remove {} left by an earlier run ({}); it is tried again at the next start",
          sending, e.toString());
    }
    try {
      bot.start();
    } catch (BotApiFailure e) {
      log.warn("The Telegram bot could not start ({}); serve runs on and tries again",
          e.getMessage());
      botStarter = Thread.ofVirtual().name("scoutbot-bot-start").start(this::retryBotStart);
    }
  }

  private void retryBotStart() {
    Duration wait = Duration.ofSeconds(2);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        sleeper.sleep(wait);
        bot.start();
        return;
      } catch (BotApiFailure e) {
        log.debug("The Telegram bot still cannot start: {}", e.getMessage());
        wait = wait.multipliedBy(2).compareTo(BOT_RETRY_MAX) > 0 ? BOT_RETRY_MAX
            : wait.multipliedBy(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void stopBot() {
    Thread starter = botStarter;
    if (starter != null) {
      starter.interrupt();
    }
    bot.close();
  }

  /** What the governor knows now; never waits and starts nothing. */
  ResourceSnapshot resourceSnapshot() {
    ResourceSnapshot.Work work = new ResourceSnapshot.Work(workLimit.limit(), workLimit.max(),
        workLimit.inFlight(), workLimit.waiting(), throttleGate.waiting());
    return ResourceSnapshot.of(monitor, budget, work, gc.stats());
  }

  /**
   * The snapshot for a one-shot {@code status}: the monitor starts now, so this waits (at most
   * {@link #STATUS_SAMPLE_WAIT}) for its second sample, the first with a CPU figure. With
   * monitoring disabled it shows one direct reading (no CPU figure, never throttled).
   */
  private ResourceSnapshot firstResourceSnapshot() {
    ResourceSnapshot s = resourceSnapshot();
    if (!config.resource().monitoringEnabled()) {
      return new ResourceSnapshot(probe.sample(), clock.instant(), false, false, s.thresholds(),
          s.budget(), s.work(), s.gc());
    }
    startMonitoring();
    try {
      monitor.awaitAttempts(2, STATUS_SAMPLE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return resourceSnapshot();
  }

  /**
   * The throttle gate behind a monitor start: a one-shot command starts the monitor at its first
   * heavy step, so commands that never move a file ({@code list}, {@code info}, …) start no thread
   * and read no counters; the gate then waits for that first sample (milliseconds), so it decides on
   * real pressure. Thread-safe.
   */
  private record MonitorStartingGate(ThrottleGate gate, Runnable start) implements Gate {
    @Override
    public void awaitCapacity(String operation) throws InterruptedException {
      start.run();
      gate.awaitCapacity(operation);
    }

    @Override
    public void awaitCapacity(String operation, Consumer<String> onWait)
        throws InterruptedException {
      start.run();
      gate.awaitCapacity(operation, onWait);
    }

    @Override
    public boolean wouldWait() {
      start.run();
      return gate.wouldWait();
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
    if (bot != null) {
      bot.close();
    }
    files.close();
    sweeper.close();
    urls.close();
    monitor.stop();
    closeStorage();
    if (botApi != null) {
      botApi.close();
    }
    gc.close();
    database.close();
  }
}
