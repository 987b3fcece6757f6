package io.scoutbot.app;

import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.cli.CliContext;
import io.scoutbot.config.ScoutConfig;
import io.scoutbot.db.Database;
import io.scoutbot.files.FileDesk;
import io.scoutbot.health.HealthCheck;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.local.LocalDirectoryStore;
import io.scoutbot.storage.pentaract.PentaractTarget;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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

  private final ScoutConfig config;
  private final InstantSource clock = InstantSource.system();
  private final MemoryBudget budget;
  private final Lifecycle lifecycle = new Lifecycle(STOP_TIMEOUT);
  private Database database;
  private volatile StorageTarget storage;
  private FileDesk files;

  Application(ScoutConfig config) {
    this.config = config;
    long capacity =
        config.resource().memoryBudgetBytes() > 0
            ? config.resource().memoryBudgetBytes()
            : MemoryBudget.defaultCapacity(Runtime.getRuntime().maxMemory());
    this.budget = new MemoryBudget(capacity, config.resource().maxMemoryBytes());
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

  @Override
  public synchronized FileDesk files() {
    if (files == null) {
      FileCatalog catalog = new JdbcFileCatalog(database(), FileCodes.random(), clock);
      files =
          new FileDesk(
              catalog,
              storage(),
              Gate.open(),
              WorkLimit.fixed(config.pentaract().maxConcurrentUploads()),
              GcPolicy.none());
    }
    return files;
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
        .add("storage", this::startStorage, this::closeStorage)
        .add("file desk", this::files, () -> {});
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

  @Override
  public synchronized void close() {
    lifecycle.stop();
    closeStorage();
    if (database != null) {
      database.close();
    }
  }
}
