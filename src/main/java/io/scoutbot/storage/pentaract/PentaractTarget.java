package io.scoutbot.storage.pentaract;

import io.scoutbot.config.PentaractConfig;
import io.scoutbot.config.ResourceConfig;
import io.scoutbot.config.Secret;
import io.scoutbot.health.HealthCheck;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.storage.pentaract.PentaractClient.TreeEntry;
import io.scoutbot.storage.pentaract.StorageResolver.Resolved;
import io.scoutbot.time.Sleeper;
import io.scoutbot.transfer.PipelinedCopy;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
  /** Manifests up to this size (about 60 segments) are read without asking the memory budget. */
  private static final int SMALL_MANIFEST = 8 << 10;

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

  private final Settings settings;
  private final MemoryBudget budget;
  private final ThreadFactory lanes;
  private final PentaractClient client;
  private final CircuitBreaker breaker;
  private final Attempts attempts;
  private final StorageResolver resolver;

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

  /** The production target: system clock, real sleeps, the probe on a virtual thread. */
  public static PentaractTarget create(Settings settings, MemoryBudget budget) {
    return new PentaractTarget(settings, Tuning.defaults(), budget, Seams.system());
  }

  PentaractTarget(Settings settings, Tuning tuning, MemoryBudget budget, Seams seams) {
    this.settings = settings;
    this.budget = budget;
    this.lanes = seams.lanes();
    String api = settings.api().toString();
    Failures failures = new Failures(api, settings.email());
    this.client = new PentaractClient(new PentaractClient.Settings(settings.api(), settings.email(),
        settings.password(), settings.timeout(), settings.timeout(), tuning.perChunk(),
        settings.maxConcurrentUploads()), failures, seams.clock());
    this.breaker = new CircuitBreaker("Pentaract at " + api, tuning.breakerThreshold(),
        tuning.probeBackoff(), seams.clock(), seams.probeSleeper(), seams.random(), seams.probes(),
        seams.listener());
    this.breaker.probeWith(client::login);
    this.attempts = new Attempts(settings.retryAttempts(), tuning.retryBackoff(),
        seams.retrySleeper(), seams.random(), breaker);
    this.resolver = new StorageResolver(client, attempts, settings.storage(), settings.chatId(),
        settings.storageMemory(), settings.email());
  }

  @Override
  public String name() {
    return "pentaract";
  }

  // ---- upload

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
    String storage = storageId();
    try (FileChannel file = FileChannel.open(source, StandardOpenOption.READ);
        MemoryBudget.Operation op = budget.openOperation("pentaract upload " + key)) {
      StoredObject stored =
          settings.segmentBytes() > 0 && size > settings.segmentBytes()
              ? uploadSegmented(storage, request, file, op)
              : uploadPlain(storage, request, file, op);
      resolver.holdsFiles();
      client.firstUpload(false);
      log.debug("Stored {} in Pentaract at {} ({} bytes, {} segment(s))", key, stored.location(),
          stored.size(), stored.segments());
      return stored;
    } catch (InterruptedException | InterruptedIOException | ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw Failures.cancelled("upload of " + key, e);
    } catch (IOException e) {
      throw local(e, source, "read");
    }
  }

  private StoredObject uploadPlain(String storage, UploadRequest request, FileChannel file,
      MemoryBudget.Operation op) throws IOException, InterruptedException {
    String path = RemotePaths.object(request.key());
    long size = request.size();
    Optional<MemoryBudget.Permit> whole =
        size <= Math.min(settings.streamingThresholdBytes(), budget.perOperation())
            ? op.tryReserve(size)
            : Optional.empty();
    if (whole.isPresent()) {
      BytesContent content = load(request.source(), file, size, whole.get(), request.progress());
      put(storage, path, content);
      return new StoredObject(path, size, content.sha256(), 1);
    }
    try (FileTransfer transfer =
        FileTransfer.open(op, size, settings.chunkSize(), false, lanes)) {
      put(storage, path,
          new RegionContent(request.source(), file, 0, size, transfer, request.progress()));
      return new StoredObject(path, size, transfer.finish(FileTransfer.WHOLE), 1);
    }
  }

  private StoredObject uploadSegmented(String storage, UploadRequest request, FileChannel file,
      MemoryBudget.Operation op) throws IOException, InterruptedException {
    long size = request.size();
    long segment = settings.segmentBytes();
    int count = Math.toIntExact((size + segment - 1) / segment);
    List<Manifest.Segment> segments = new ArrayList<>(count);
    String sha256;
    try (FileTransfer transfer = FileTransfer.open(op, size, settings.chunkSize(), true, lanes)) {
      for (int i = 1; i <= count; i++) {
        long offset = (i - 1) * segment;
        long length = Math.min(segment, size - offset);
        String path = RemotePaths.segment(request.key(), i);
        put(storage, path,
            new RegionContent(request.source(), file, offset, length, transfer, request.progress()));
        segments.add(new Manifest.Segment(path, length, transfer.finish(FileTransfer.SEGMENT)));
      }
      sha256 = transfer.finish(FileTransfer.WHOLE);
    }
    // after the buffers are released: a retried upload may have to read an existing manifest
    String location = RemotePaths.manifest(request.key());
    putManifest(storage, location, Manifest.of(request.key(), size, sha256, segment, segments));
    return new StoredObject(location, size, sha256, count);
  }

  /** Reads a small file whole into its permit's buffer, hashing it on the way. */
  private static BytesContent load(Path source, FileChannel file, long size,
      MemoryBudget.Permit permit, Progress progress) throws IOException {
    byte[] data = permit.buffer();
    int length = Math.toIntExact(size);
    InputStream in = Channels.newInputStream(file.position(0));
    int read = in.readNBytes(data, 0, length);
    if (read != length) {
      throw new LocalFileException(new PentaractFailure(source + " became shorter while it was "
          + "being stored (" + read + " of " + length + " bytes); nothing was stored",
          Disposition.PERMANENT, OptionalInt.empty(), false, null));
    }
    MessageDigest d = Sha256.newDigest();
    d.update(data, 0, length);
    return new BytesContent(data, length, Sha256.hex(d), progress);
  }

  /**
   * Stores {@code content} at {@code path}; when the path is taken (a retried or resumed upload),
   * keeps a stored copy of the same size and replaces any other.
   */
  private void put(String storage, String path, UploadBody.Content content) throws IOException {
    if (send(storage, path, content)) {
      return;
    }
    OptionalLong remote = attempts.run("size check of " + path, () -> client.size(storage, path));
    if (remote.isPresent() && remote.getAsLong() == content.length()) {
      log.info("{} is already in Pentaract with the expected {} bytes; keeping it", path,
          content.length());
      if (content instanceof RegionContent region) {
        region.hashLocally();
      }
      return;
    }
    log.info("{} is in Pentaract with {} instead of {} bytes (left by an interrupted upload); "
        + "replacing it", path, remote.isPresent() ? remote.getAsLong() + "" : "no complete",
        content.length());
    remove(storage, path);
    if (!send(storage, path, content)) {
      throw new PentaractFailure(path + " reappeared in Pentaract right after it was deleted; "
          + "another upload may be writing the same path", Disposition.RETRY,
          OptionalInt.of(409), false, null);
    }
  }

  private boolean send(String storage, String path, UploadBody.Content content) {
    return attempts.run("upload of " + path,
        () -> client.uploadTo(storage, path, new UploadBody(path, content)));
  }

  /** Writes the manifest last; an existing one is kept only when it says exactly the same. */
  private void putManifest(String storage, String location, Manifest manifest) {
    byte[] json = manifest.toJson();
    MessageDigest d = Sha256.newDigest();
    d.update(json);
    BytesContent content = new BytesContent(json, json.length, Sha256.hex(d), Progress.NONE);
    if (send(storage, location, content)) {
      return;
    }
    Optional<Manifest> existing;
    try {
      existing = readManifest(storage, location);
    } catch (PentaractFailure f) {
      if (f.disposition().retryable()) {
        throw f;
      }
      existing = Optional.empty(); // damaged: replace it
    }
    if (existing.isPresent() && existing.get().equals(manifest)) {
      return;
    }
    remove(storage, location);
    if (!send(storage, location, content)) {
      throw new PentaractFailure(location + " reappeared in Pentaract right after it was deleted; "
          + "another upload may be writing the same file", Disposition.RETRY,
          OptionalInt.of(409), false, null);
    }
  }

  // ---- download

  @Override
  public Received download(String location, Path target, Progress progress) {
    if (RemotePaths.isEmpty(location)) {
      try {
        Files.write(target, new byte[0]);
      } catch (IOException e) {
        throw local(e, target, "write");
      }
      return new Received(0, Sha256.empty());
    }
    String storage = storageId();
    try (MemoryBudget.Operation op = budget.openOperation("pentaract download " + location);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      Received got =
          RemotePaths.isManifest(location)
              ? downloadSegmented(storage, location, out, target, op, progress)
              : downloadPlain(storage, location, out, target, op, progress);
      out.force(true);
      return got;
    } catch (InterruptedException | InterruptedIOException | ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw Failures.cancelled("download of " + location, e);
    } catch (IOException e) {
      throw local(e, target, "write");
    }
  }

  private Received downloadPlain(String storage, String path, FileChannel out, Path target,
      MemoryBudget.Operation op, Progress progress) throws IOException, InterruptedException {
    long size = attempts.run("size check of " + path, () -> client.size(storage, path))
        .orElseThrow(() -> missing(path));
    try (FileTransfer transfer = FileTransfer.open(op, size, settings.chunkSize(), false, lanes)) {
      MessageDigest start = transfer.saveWhole();
      HighWater seen = new HighWater(progress);
      attempts.run("download of " + path,
          () -> client.download(storage, path, size,
              (in, length) -> receive(in, out, target, 0, size, transfer, start, seen)));
      return new Received(size, transfer.finish(FileTransfer.WHOLE));
    }
  }

  private Received downloadSegmented(String storage, String location, FileChannel out, Path target,
      MemoryBudget.Operation op, Progress progress) throws IOException, InterruptedException {
    Manifest manifest = readManifest(storage, location).orElseThrow(() -> missing(location));
    int count = manifest.segments().size();
    try (FileTransfer transfer =
        FileTransfer.open(op, manifest.size(), settings.chunkSize(), true, lanes)) {
      long position = 0;
      for (int i = 0; i < count; i++) {
        Manifest.Segment s = manifest.segments().get(i);
        MessageDigest start = transfer.saveWhole();
        HighWater seen = new HighWater(progress);
        long at = position;
        String label = "segment " + (i + 1) + " of " + count + " (" + s.path() + ")";
        attempts.run("download of " + label,
            () -> client.download(storage, s.path(), s.size(), (in, length) -> {
              long got = receive(in, out, target, at, s.size(), transfer, start, seen);
              String crc = transfer.finish(FileTransfer.SEGMENT);
              if (!crc.equals(s.crc32c())) {
                throw new PentaractFailure(label + " arrived with CRC32C " + crc + " instead of "
                    + s.crc32c(), Disposition.RETRY, OptionalInt.of(200), false,
                    null);
              }
              return got;
            }));
        position += s.size();
      }
      String sha256 = transfer.finish(FileTransfer.WHOLE);
      if (position != manifest.size() || !sha256.equals(manifest.sha256())) {
        throw new PentaractFailure("the segments of " + location + " reassemble to " + position
            + " bytes with SHA-256 " + sha256 + ", but the manifest says " + manifest.size()
            + " bytes with " + manifest.sha256() + "; the stored copy is inconsistent",
            Disposition.PERMANENT, OptionalInt.empty(), false, null);
      }
      return new Received(position, sha256);
    }
  }

  /**
   * Writes one response body at {@code at} in the target, rolling the digests back first, so that a
   * retried request overwrites exactly what the failed one wrote.
   */
  private static long receive(InputStream in, FileChannel out, Path target, long at, long size,
      FileTransfer transfer, MessageDigest start, HighWater seen) throws IOException {
    transfer.restart(start);
    seen.restart();
    try {
      out.truncate(at);
      out.position(at);
    } catch (IOException e) {
      throw new LocalFileException(local(e, target, "write"));
    }
    long got = PipelinedCopy.copy(in, new LocalWrites(Channels.newOutputStream(out), target), size,
        transfer.buffers(), transfer.digests(), seen);
    if (got != size) {
      throw new java.io.EOFException("the download ended after " + got + " of " + size + " bytes");
    }
    transfer.drain();
    return got;
  }

  /**
   * The manifest at {@code location}, or empty when there is none. Reads exactly as many bytes as
   * the listing gives, however the answer is framed; one larger than {@link #SMALL_MANIFEST} is
   * read into memory reserved from the budget. Call it holding no other budgeted memory.
   */
  private Optional<Manifest> readManifest(String storage, String location) {
    OptionalLong size = attempts.run("size check of " + location,
        () -> client.size(storage, location));
    if (size.isEmpty()) {
      return Optional.empty();
    }
    if (size.getAsLong() > Manifest.MAX_BYTES) {
      throw new PentaractFailure("the manifest " + location + " is " + size.getAsLong()
          + " bytes, more than any real one; the stored copy is damaged", Disposition.PERMANENT,
          OptionalInt.empty(), false, null);
    }
    int length = (int) size.getAsLong();
    if (length <= SMALL_MANIFEST) {
      return Optional.of(parseManifest(fetchManifest(storage, location, new byte[length]),
          location));
    }
    if (length > budget.perOperation()) {
      throw new PentaractFailure("the manifest " + location + " is " + length + " bytes, more than "
          + "one transfer may hold in memory (RESOURCE_MAX_MEMORY_MB); raise it to read this file",
          Disposition.PERMANENT, OptionalInt.empty(), false, null);
    }
    try (MemoryBudget.Operation op = budget.openOperation("pentaract manifest " + location);
        MemoryBudget.Permit permit = op.reserveUpTo(length, length)) {
      return Optional.of(parseManifest(fetchManifest(storage, location, permit.buffer()),
          location));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.cancelled("reading the manifest " + location, e);
    }
  }

  /** Fills {@code into} with the manifest's bytes; an answer with more is refused, not read. */
  private byte[] fetchManifest(String storage, String location, byte[] into) {
    int length = into.length;
    return attempts.run("download of " + location, () -> {
      client.download(storage, location, length, (in, declared) -> {
        int got = in.readNBytes(into, 0, length);
        if (got < length) {
          throw new java.io.EOFException("the manifest ended after " + got + " of " + length
              + " bytes");
        }
        if (in.read() >= 0) {
          throw new PentaractFailure("Pentaract sent more than the " + length + " bytes the "
              + "listing gives for the manifest " + location + " (an answer without "
              + "Content-Length); the stored copy is damaged, or being written again",
              Disposition.RETRY, OptionalInt.of(200), false, null);
        }
        return got;
      });
      return into;
    });
  }

  private static Manifest parseManifest(byte[] json, String location) {
    try {
      return Manifest.parse(json, location);
    } catch (IllegalArgumentException e) {
      throw new PentaractFailure("the manifest " + location + " is damaged (" + e.getMessage()
          + "); the file cannot be reassembled from Pentaract", Disposition.PERMANENT,
          OptionalInt.empty(), false, e);
    }
  }

  // ---- delete and size

  @Override
  public void delete(String location) {
    if (RemotePaths.isEmpty(location)) {
      return;
    }
    String storage = storageId();
    if (RemotePaths.isManifest(location)) {
      String folder = RemotePaths.folderOf(location);
      Optional<Manifest> manifest;
      try {
        manifest = readManifest(storage, location);
      } catch (PentaractFailure f) {
        if (f.disposition().retryable()) {
          throw f;
        }
        manifest = Optional.empty(); // damaged: the folder listing below still finds the segments
      }
      for (Manifest.Segment s : manifest.map(Manifest::segments).orElse(List.of())) {
        remove(storage, s.path());
      }
      remove(storage, location);
      for (TreeEntry leftover : attempts.run("listing of " + folder, () -> client.tree(storage,
          folder))) {
        remove(storage, leftover.isFile() ? leftover.path() : leftover.path() + "/");
      }
      if (RemotePaths.codeFolder(location).isPresent()) {
        remove(storage, folder + "/");
      }
    } else {
      remove(storage, location);
    }
    // Pentaract keeps a deleted file's folder as an empty row; drop the file's own code folder
    RemotePaths.codeFolder(location).ifPresent(code -> {
      if (attempts.run("listing of " + code, () -> client.tree(storage, code)).isEmpty()) {
        remove(storage, code + "/");
      }
    });
  }

  private void remove(String storage, String path) {
    attempts.run("delete of " + path, () -> {
      client.delete(storage, path);
      return null;
    });
  }

  @Override
  public OptionalLong size(String location) {
    if (RemotePaths.isEmpty(location)) {
      return OptionalLong.of(0);
    }
    String storage = storageId();
    if (!RemotePaths.isManifest(location)) {
      return attempts.run("size check of " + location, () -> client.size(storage, location));
    }
    Optional<Manifest> manifest;
    try {
      manifest = readManifest(storage, location);
    } catch (PentaractFailure f) {
      if (f.disposition().retryable()) {
        throw f;
      }
      return OptionalLong.empty(); // a damaged manifest describes nothing complete
    }
    if (manifest.isEmpty()) {
      return OptionalLong.empty();
    }
    Map<String, Long> stored = new HashMap<>();
    String folder = RemotePaths.folderOf(location);
    for (TreeEntry e : attempts.run("listing of " + folder, () -> client.tree(storage, folder))) {
      if (e.isFile()) {
        stored.put(e.path(), e.size());
      }
    }
    for (Manifest.Segment s : manifest.get().segments()) {
      if (stored.getOrDefault(s.path(), -1L) != s.size()) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(manifest.get().size());
  }

  // ---- health and lifecycle

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
      return Health.up("reachable at " + client.api() + ", logged in as " + settings.email()
          + ", storage '" + s.name() + "' (" + s.id() + ")");
    } catch (PentaractFailure f) {
      breaker.record(f);
      return Health.down(f.getMessage());
    }
  }

  /**
   * For {@code serve}: tries to log in and find the storage once. When Pentaract is unreachable the
   * breaker opens, so it is probed in the background and work waits for it; nothing is thrown.
   */
  public Health connect() {
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
  public boolean unavailable() {
    return breaker.isOpen();
  }

  @Override
  public void close() {
    breaker.close();
    client.close();
  }

  // ---- helpers

  private String storageId() {
    Resolved s = resolver.resolve();
    if (s.empty()) {
      client.firstUpload(true);
    }
    return s.id();
  }

  private static void checkSource(Path source, long size) {
    long actual;
    try {
      actual = Files.size(source);
    } catch (NoSuchFileException e) {
      throw new PentaractFailure("cannot read " + source + ": the file no longer exists",
          Disposition.PERMANENT, OptionalInt.empty(), false, e);
    } catch (IOException e) {
      throw local(e, source, "read");
    }
    if (actual != size) {
      throw new PentaractFailure(source + " changed before it could be stored (expected " + size
          + " bytes, found " + actual + "); nothing was stored", Disposition.PERMANENT,
          OptionalInt.empty(), false, null);
    }
  }

  private static PentaractFailure missing(String location) {
    return new PentaractFailure("the object " + location + " is missing from the Pentaract "
        + "storage; this copy of the file cannot be recovered from Pentaract",
        Disposition.PERMANENT, OptionalInt.of(404), false, null);
  }

  private static PentaractFailure local(IOException e, Path file, String verb) {
    if (e instanceof LocalFileException l) {
      return l.failure();
    }
    boolean gone = e instanceof NoSuchFileException || e instanceof AccessDeniedException;
    return new PentaractFailure("cannot " + verb + " " + file + ": " + e.getMessage()
        + (verb.equals("write") ? " (check free disk space and permissions)" : ""),
        gone ? Disposition.PERMANENT : Disposition.RETRY, OptionalInt.empty(), false, e);
  }

  /** Tells local write failures apart from network ones; never closes the shared channel. */
  private static final class LocalWrites extends FilterOutputStream {
    private final Path target;

    LocalWrites(OutputStream out, Path target) {
      super(out);
      this.target = target;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (InterruptedIOException | ClosedByInterruptException e) {
        throw e;
      } catch (IOException e) {
        throw new LocalFileException(local(e, target, "write"));
      }
    }

    @Override
    public void close() {}
  }
}
