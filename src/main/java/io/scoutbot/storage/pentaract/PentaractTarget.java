package io.scoutbot.storage.pentaract;

import io.scoutbot.config.PentaractConfig;
import io.scoutbot.config.ResourceConfig;
import io.scoutbot.config.Secret;
import io.scoutbot.health.HealthCheck;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Backoff;
import io.scoutbot.storage.Presence;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.time.Sleeper;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores files in Pentaract through its real REST API. Thread-safe; every method blocks until done.
 *
 * <p>This class only composes: {@link PentaractSession} (client, retries, circuit breaker, the
 * storage in use, health), {@link PlainLayout} and {@link SegmentedLayout} (one per object shape,
 * built on {@link RemoteFiles} and, for segments, the {@link ManifestStore}). It checks the local
 * file, opens the memory-budget operation and the file channel, and picks the layout: by size on
 * upload, by location afterwards.
 *
 * <p>Objects: a file of at most PENTARACT_SEGMENT_MB goes to {@code scoutbot/<CODE>/<name>} in one
 * {@code upload_to}; a larger one is cut into numbered segments plus a JSON manifest written last
 * (see {@link RemotePaths}), so neither ScoutBot nor Pentaract, which holds each request body in RAM
 * two to three times over, ever holds more than a segment. Empty files need no remote object.
 *
 * <p>Idempotence: paths are deterministic and {@code upload_to} answers 409 when a path is taken. A
 * retried or resumed upload that meets a 409 compares the stored size: equal means that object is
 * done (its SHA-256 is then computed from the local file), different means a partial leftover, which
 * is deleted and uploaded again. The catalog only learns a location once the object (for segmented
 * files: every segment and then the manifest) is complete.
 *
 * <p>Streaming: file bytes move through at most two budgeted buffers of RESOURCE_STREAMING_CHUNK_SIZE
 * while SHA-256 runs beside them on other threads; a file up to RESOURCE_STREAMING_THRESHOLD_MB goes
 * from memory only when the memory budget grants it at once. Downloads are written to the target as
 * they arrive and verified segment by segment against the manifest.
 *
 * <p>Failures: each call is retried with backoff for transient faults; repeated outages open a
 * circuit breaker, after which calls fail at once with {@code UNAVAILABLE} until a background probe
 * finds Pentaract again.
 */
public final class PentaractTarget implements StorageTarget, HealthCheck, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PentaractTarget.class);

  /**
   * What the target needs from the configuration. Immutable.
   *
   * @param storageMemory file that remembers the storage id across restarts; empty: memory only
   */
  public record Settings(
      URI api,
      String email,
      Secret password,
      String storage,
      OptionalLong chatId,
      long segmentBytes,
      int maxConcurrentUploads,
      Duration timeout,
      int retryAttempts,
      int chunkSize,
      long streamingThresholdBytes,
      Optional<Path> storageMemory) {

    /**
     * Drops any user info from {@code api}: Pentaract takes a bearer token, the HTTP client refuses
     * such URLs, and the URL appears in messages, the breaker's name and the remembered-storage
     * file, where a password must never be.
     */
    public Settings {
      api = withoutUserInfo(api);
    }

    public static Settings from(PentaractConfig p, ResourceConfig r, Path dataDir) {
      return new Settings(p.apiUrl(), p.email(), p.password(), p.storage(), p.chatId(),
          p.segmentBytes(), p.maxConcurrentUploads(), p.timeout(), p.retryAttempts(),
          r.streamingChunkSize(), r.streamingThresholdBytes(),
          Optional.of(dataDir.resolve("pentaract-storage.properties")));
    }
  }

  /** {@code http://user:pass@host/api} as {@code http://host/api}; the rest stays as written. */
  static URI withoutUserInfo(URI api) {
    String info = api.getRawUserInfo();
    return info == null
        ? api
        : URI.create(api.toString().replaceFirst(Pattern.quote(info + "@"), ""));
  }

  /**
   * Knobs with sensible defaults that tests shorten. Immutable.
   *
   * @param perChunk extra time Pentaract may take to answer, per 20 MiB chunk of the request
   * @param breakerThreshold outage failures in a row that mark Pentaract unavailable
   */
  record Tuning(Duration perChunk, Backoff retryBackoff, Backoff probeBackoff, int breakerThreshold) {
    static Tuning defaults() {
      return new Tuning(Duration.ofSeconds(60), new Backoff(Duration.ofSeconds(1),
          Duration.ofSeconds(30)), new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(2)), 3);
    }
  }

  /**
   * The injected time, sleeps, randomness and threads, so tests drive retries, the breaker and
   * token expiry without waiting. Immutable.
   *
   * @param retrySleeper waits between tries of one call
   * @param probeSleeper waits between background probes while the breaker is open
   * @param probes makes the background probe's thread
   * @param lanes makes the SHA-256 threads of large transfers
   */
  record Seams(InstantSource clock, Sleeper retrySleeper, Sleeper probeSleeper,
      DoubleSupplier random, ThreadFactory probes, ThreadFactory lanes,
      CircuitBreaker.Listener listener) {

    static Seams system() {
      return new Seams(InstantSource.system(), Sleeper.system(), Sleeper.system(),
          () -> ThreadLocalRandom.current().nextDouble(),
          Thread.ofVirtual().name("pentaract-probe").factory(),
          Thread.ofPlatform().name("pentaract-sha256-", 1).daemon().factory(), open -> {});
    }
  }

  private final PentaractSession session;
  private final MemoryBudget budget;
  private final RemoteFiles files;
  private final PlainLayout plain;
  private final SegmentedLayout segmented;

  /** The production target: system clock, real sleeps, the probe on a virtual thread. */
  public static PentaractTarget create(Settings settings, MemoryBudget budget) {
    return new PentaractTarget(settings, Tuning.defaults(), budget, Seams.system());
  }

  PentaractTarget(Settings settings, Tuning tuning, MemoryBudget budget, Seams seams) {
    this.session = new PentaractSession(settings, tuning, seams);
    this.budget = budget;
    this.files = session.files();
    this.plain = new PlainLayout(files, budget, settings.chunkSize(),
        settings.streamingThresholdBytes(), seams.lanes());
    this.segmented = new SegmentedLayout(files, new ManifestStore(files, budget),
        settings.segmentBytes(), settings.chunkSize(), seams.lanes());
  }

  @Override
  public String name() {
    return "pentaract";
  }

  @Override
  public StoredObject upload(UploadRequest request) {
    Path source = request.source();
    String key = request.key();
    long size = request.size();
    checkSource(source, size);
    if (size == 0) {
      // Pentaract fails on zero-byte uploads (no chunk to store); the catalog's size says it all
      return new StoredObject(RemotePaths.empty(key), 0, Sha256.empty(), 0);
    }
    String storage = session.storageId();
    ObjectLayout layout = layoutFor(size);
    try (FileChannel file = FileChannel.open(source, StandardOpenOption.READ);
        MemoryBudget.Operation op = budget.openOperation("pentaract upload " + key)) {
      StoredObject stored = layout.upload(storage, request, file, op);
      session.stored();
      log.debug("Stored {} in Pentaract at {} ({} bytes, {} segment(s))", key, stored.location(),
          stored.size(), stored.segments());
      return stored;
    } catch (InterruptedException | InterruptedIOException | ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw PentaractFailure.cancelled("upload of " + key, e);
    } catch (IOException e) {
      throw PentaractFailure.local(e, source, "read");
    }
  }

  @Override
  public Received download(String location, Path target, Progress progress) {
    if (RemotePaths.isEmpty(location)) {
      try {
        Files.write(target, new byte[0]);
      } catch (IOException e) {
        throw PentaractFailure.local(e, target, "write");
      }
      return new Received(0, Sha256.empty());
    }
    String storage = session.storageId();
    try (MemoryBudget.Operation op = budget.openOperation("pentaract download " + location);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      Received got =
          layoutOf(location).download(storage, location, new LocalTarget(out, target), op, progress);
      out.force(true);
      return got;
    } catch (InterruptedException | InterruptedIOException | ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw PentaractFailure.cancelled("download of " + location, e);
    } catch (IOException e) {
      throw PentaractFailure.local(e, target, "write");
    }
  }

  @Override
  public void delete(String location) {
    if (RemotePaths.isEmpty(location)) {
      return;
    }
    String storage = session.storageId();
    layoutOf(location).delete(storage, location);
    files.removeEmptyCodeFolder(storage, location);
  }

  @Override
  public String locationOf(String key, long size) {
    return size == 0 ? RemotePaths.empty(key) : layoutFor(size).location(key);
  }

  private ObjectLayout layoutFor(long size) {
    return segmented.fits(size) ? segmented : plain;
  }

  @Override
  public Presence presence(String key, long size, Path source) {
    if (size == 0) {
      return new Presence.Complete(new StoredObject(RemotePaths.empty(key), 0, Sha256.empty(), 0));
    }
    String storage = session.storageId();
    ObjectLayout layout = layoutFor(size);
    try (MemoryBudget.Operation op = budget.openOperation("pentaract check " + key)) {
      return layout.complete(storage, key, size, source, op)
          .<Presence>map(Presence.Complete::new)
          .orElseGet(() -> new Presence.Incomplete(layout.location(key)));
    } catch (InterruptedException | InterruptedIOException | ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw PentaractFailure.cancelled("the check of " + key, e);
    } catch (IOException e) {
      throw PentaractFailure.local(e, source, "read");
    }
  }

  /** Logs in and finds the storage: whether Pentaract can be used now, and why not. */
  @Override
  public Health check() {
    return session.check();
  }

  /**
   * For {@code serve}: tries to log in and find the storage once. When Pentaract is unreachable the
   * breaker opens, so it is probed in the background and work waits for it; nothing is thrown.
   */
  public Health connect() {
    return session.connect();
  }

  /** Tells {@code requests} of every request to Pentaract (for request, error and latency metrics). */
  public void observeRequests(PentaractRequests requests) {
    session.observe(requests);
  }

  /** True while the circuit breaker holds Pentaract for unavailable. */
  public boolean unavailable() {
    return session.unavailable();
  }

  @Override
  public void close() {
    session.close();
  }

  /** A location names its layout: a manifest is a segmented file, anything else a plain one. */
  private ObjectLayout layoutOf(String location) {
    return RemotePaths.isManifest(location) ? segmented : plain;
  }

  private static void checkSource(Path source, long size) {
    long actual;
    try {
      actual = Files.size(source);
    } catch (NoSuchFileException e) {
      throw PentaractFailure.permanent("cannot read " + source + ": the file no longer exists", e);
    } catch (IOException e) {
      throw PentaractFailure.local(e, source, "read");
    }
    if (actual != size) {
      throw PentaractFailure.permanent(source + " changed before it could be stored (expected "
          + size + " bytes, found " + actual + "); nothing was stored");
    }
  }
}
