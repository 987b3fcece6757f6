package io.scoutbot.storage.pentaract;

import io.scoutbot.health.HealthCheck;
import io.scoutbot.storage.pentaract.PentaractTarget.Seams;
import io.scoutbot.storage.pentaract.PentaractTarget.Settings;
import io.scoutbot.storage.pentaract.PentaractTarget.Tuning;
import io.scoutbot.storage.pentaract.StorageResolver.Resolved;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One account's connection to Pentaract: the API client, the retries and circuit breaker every call
 * goes through, and the storage in use; answers whether Pentaract can be used now. Thread-safe;
 * {@link #check()} and {@link #connect()} block for at most one login and one storage lookup.
 */
final class PentaractSession implements HealthCheck, AutoCloseable {

  /**
   * How long a health answer is reused. The status page polls every few seconds and /ready may be
   * probed as often; each fresh answer costs a login and two lookups, which on a small host with
   * Pentaract beside us is load for nothing. A "down" answer is reused for less, so a fix shows soon.
   */
  static final Duration HEALTHY_FOR = Duration.ofSeconds(10);
  static final Duration DOWN_FOR = Duration.ofSeconds(5);

  private final String email;
  private final PentaractClient client;
  private final CircuitBreaker breaker;
  private final Attempts attempts;
  private final StorageResolver resolver;
  private final InstantSource clock;
  private final ReentrantLock checking = new ReentrantLock();
  private Health lastHealth; // guarded by checking
  private Instant lastHealthAt = Instant.MIN;

  PentaractSession(Settings settings, Tuning tuning, Seams seams) {
    this.email = settings.email();
    this.clock = seams.clock();
    String api = settings.api().toString();
    this.client = new PentaractClient(new PentaractClient.Settings(settings.api(), settings.email(),
        settings.password(), settings.timeout(), settings.timeout(), tuning.perChunk(),
        settings.maxConcurrentUploads()), new Failures(api, settings.email()), seams.clock());
    this.breaker = new CircuitBreaker("Pentaract at " + api, tuning.breakerThreshold(),
        tuning.probeBackoff(), seams.clock(), seams.probeSleeper(), seams.random(), seams.probes(),
        seams.listener());
    this.breaker.probeWith(client::login);
    this.attempts = new Attempts(settings.retryAttempts(), tuning.retryBackoff(),
        seams.retrySleeper(), seams.random(), breaker);
    this.resolver = new StorageResolver(client, attempts, settings.storage(), settings.chatId(),
        settings.storageMemory(), settings.email());
  }

  void observe(PentaractRequests requests) {
    client.observe(requests);
  }

  /** The files of the storage, each call retried and passed through the breaker. */
  RemoteFiles files() {
    return new RemoteFiles(client, attempts);
  }

  /**
   * The id of the storage to use, found (or created) on first call. While the storage holds no
   * files, a 500 on upload is explained as a likely Telegram set-up problem.
   */
  String storageId() {
    Resolved s = resolver.resolve();
    if (s.empty()) {
      client.firstUpload(true);
    }
    return s.id();
  }

  /** An upload succeeded: the storage holds files, so a 500 no longer suggests a set-up problem. */
  void stored() {
    resolver.holdsFiles();
    client.firstUpload(false);
  }

  /**
   * Logs in and finds the storage: whether Pentaract can be used now, and why not. An answer is
   * reused for {@link #HEALTHY_FOR} (up) or {@link #DOWN_FOR} (down); an open breaker is said at
   * once. Concurrent callers share one check.
   */
  @Override
  public Health check() {
    if (breaker.isOpen()) {
      return Health.down("Pentaract at " + client.api() + " is " + breaker.describe());
    }
    checking.lock();
    try {
      Instant now = clock.instant();
      if (lastHealth != null
          && now.isBefore(lastHealthAt.plus(lastHealth.up() ? HEALTHY_FOR : DOWN_FOR))) {
        return lastHealth;
      }
      Health h = checkNow();
      lastHealth = h;
      lastHealthAt = clock.instant();
      return h;
    } finally {
      checking.unlock();
    }
  }

  private Health checkNow() {
    try {
      client.login();
      breaker.recordSuccess();
      Resolved s = resolver.resolve();
      if (!client.hasWorkers(s.id())) {
        // uploads would answer 409 one by one; say it once, where operators look
        return Health.down("the Pentaract storage '" + s.name() + "' (" + s.id() + ") has no"
            + " storage workers: add a storage worker (a Telegram bot token) for it in Pentaract;"
            + " uploads wait until then");
      }
      return Health.up("reachable at " + client.api() + ", logged in as " + email
          + ", storage '" + s.name() + "' (" + s.id() + ") with storage workers");
    } catch (PentaractFailure f) {
      breaker.record(f);
      return Health.down(f.getMessage());
    }
  }

  /**
   * Tries to log in and find the storage once. When Pentaract is unreachable the breaker opens, so
   * it is probed in the background and work waits for it; nothing is thrown.
   */
  Health connect() {
    if (breaker.isOpen()) {
      return check();
    }
    try {
      client.login();
      breaker.recordSuccess();
    } catch (PentaractFailure f) {
      if (f.outage()) {
        breaker.open(f.reason());
      } else {
        breaker.record(f);
      }
      return Health.down(f.getMessage());
    }
    return check();
  }

  /** True while the circuit breaker holds Pentaract for unavailable. */
  boolean unavailable() {
    return breaker.isOpen();
  }

  /** Stops the background probe and closes the HTTP client's connections. */
  @Override
  public void close() {
    breaker.close();
    client.close();
  }
}
