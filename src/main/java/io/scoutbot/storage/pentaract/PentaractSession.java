package io.scoutbot.storage.pentaract;

import io.scoutbot.health.HealthCheck;
import io.scoutbot.storage.pentaract.PentaractTarget.Seams;
import io.scoutbot.storage.pentaract.PentaractTarget.Settings;
import io.scoutbot.storage.pentaract.PentaractTarget.Tuning;
import io.scoutbot.storage.pentaract.StorageResolver.Resolved;

/**
 * One account's connection to Pentaract: the API client, the retries and circuit breaker every call
 * goes through, and the storage in use; answers whether Pentaract can be used now. Thread-safe;
 * {@link #check()} and {@link #connect()} block for at most one login and one storage lookup.
 */
final class PentaractSession implements HealthCheck, AutoCloseable {

  private final String email;
  private final PentaractClient client;
  private final CircuitBreaker breaker;
  private final Attempts attempts;
  private final StorageResolver resolver;

  PentaractSession(Settings settings, Tuning tuning, Seams seams) {
    this.email = settings.email();
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

  /** Logs in and finds the storage: whether Pentaract can be used now, and why not. */
  @Override
  public Health check() {
    if (breaker.isOpen()) {
      return Health.down("Pentaract at " + client.api() + " is " + breaker.describe());
    }
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
