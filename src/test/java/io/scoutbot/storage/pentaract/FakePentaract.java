package io.scoutbot.storage.pentaract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.scoutbot.testing.MultipartReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Pentaract server for tests and manual trials that speaks the real Dominux/Pentaract API as
 * {@code pentaract-api.md} describes it: JSON login with expiring HS256 tokens, {@code
 * {"storages":[…]}} (hiding storages that hold only folders), {@code upload}'s auto-rename and {@code
 * upload_to}'s 409, plain-text errors, {@code tree} with direct children only, downloads with
 * Content-Length and Content-Disposition, DELETE answering 200 even when nothing matched, a per-route
 * concurrency limit, and the web UI's HTML for unknown GETs. File bytes are streamed to files under
 * its directory (zero runs are left as holes), never held in memory; there is no Telegram behind it.
 *
 * <p>Faults for tests: 500 on the next uploads, connections dropped mid-body, uploads that stop being
 * read, slow answers and slow or stalling downloads, stored sizes changed behind the client's back,
 * revoked tokens, and going down and coming back on the same port. Token expiry follows the injected
 * clock.
 *
 * <p>Thread-safe: requests run on virtual threads; each storage's rows are guarded by its lock.
 * Binds to loopback only. Run {@link #main} to use it as a process.
 */
public final class FakePentaract implements AutoCloseable {

  /** Exchange attribute: frees the request's route permit when its response starts. */
  private static final String RELEASE = "scoutbot.fake.release";


  static final String HTML =
      "<!doctype html><html><head><title>Pentaract</title></head><body><div id=\"root\"></div>"
          + "</body></html>";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int IO_BUFFER = 1 << 20;
  private static final Duration LEEWAY = Duration.ofSeconds(60);

  private final Path dir;
  private final InstantSource clock;
  private final Map<String, String> users = new ConcurrentHashMap<>();
  private final Map<String, Storage> storages = new ConcurrentHashMap<>();
  private final Map<String, RouteStats> routes = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong blobs = new AtomicLong();
  private volatile byte[] secret = newSecret();
  private volatile Duration tokenLifetime = Duration.ofMinutes(30);
  private volatile int workers = 4;
  private HttpServer server;
  private ExecutorService executor;
  private int port;

  private final AtomicInteger passUploads = new AtomicInteger();
  private final AtomicInteger failUploads = new AtomicInteger();
  private volatile boolean refuseTokens;
  private final AtomicInteger dropUploads = new AtomicInteger();
  private volatile long dropAfter;
  private final AtomicInteger stallUploads = new AtomicInteger();
  private volatile long stallUploadAfter;
  private volatile CountDownLatch stallUploadUntil = new CountDownLatch(0);
  private volatile Duration uploadAnswerDelay = Duration.ZERO;
  private volatile CountDownLatch uploadGate = new CountDownLatch(0);
  private final AtomicInteger holding = new AtomicInteger();
  private volatile int trickleBytes;
  private volatile Duration tricklePause = Duration.ZERO;
  private final AtomicInteger stallDownloads = new AtomicInteger();
  private volatile long stallDownloadAfter;
  private volatile Duration stallDownloadFor = Duration.ZERO;
  private volatile long downloadPadding;

  /** One storage and its flat rows, as in Pentaract's {@code files} table. */
  static final class Storage {
    final String id;
    final String name;
    final long chatId;
    final String owner;
    volatile boolean hasWorkers;
    final TreeMap<String, Row> rows = new TreeMap<>();

    Storage(String id, String name, long chatId, String owner, boolean hasWorkers) {
      this.id = id;
      this.name = name;
      this.chatId = chatId;
      this.owner = owner;
      this.hasWorkers = hasWorkers;
    }
  }

  /** A row: a file (with its bytes on disk) or a folder (path ending with '/', no bytes). */
  static final class Row {
    final String path;
    volatile long size;
    volatile boolean uploaded;
    final Path blob;

    Row(String path, long size, boolean uploaded, Path blob) {
      this.path = path;
      this.size = size;
      this.uploaded = uploaded;
      this.blob = blob;
    }

    boolean folder() {
      return path.endsWith("/");
    }
  }

  /** Requests in flight per route and the most there ever were; Pentaract limits each route. */
  static final class RouteStats {
    final Semaphore permits;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final AtomicInteger count = new AtomicInteger();

    RouteStats(int limit) {
      permits = new Semaphore(limit, true);
    }
  }

  /** Thrown by a handler to drop the connection without an answer. */
  private static final class Drop extends RuntimeException {
    Drop(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * @param dir where file bytes are kept
   * @param clock decides token expiry
   */
  public FakePentaract(Path dir, InstantSource clock) {
    this.dir = dir;
    this.clock = clock;
  }

  // ---- setup

  public FakePentaract user(String email, String password) {
    users.put(email, password);
    return this;
  }

  /** Adds a storage owned by {@code owner}; with {@code workers} false, uploads get 409. */
  public String addStorage(String owner, String name, long chatId, boolean workers) {
    String id = UUID.randomUUID().toString();
    storages.put(id, new Storage(id, name, chatId, owner, workers));
    return id;
  }

  public void setWorkers(String storageId, boolean has) {
    storages.get(storageId).hasWorkers = has;
  }

  /** Per route and method concurrency limit (Pentaract's WORKERS); applies to routes seen later. */
  public FakePentaract workers(int limit) {
    this.workers = limit;
    return this;
  }

  public FakePentaract tokenLifetime(Duration lifetime) {
    this.tokenLifetime = lifetime;
    return this;
  }

  public synchronized FakePentaract start() throws IOException {
    return start(port);
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port); data survive stop and start. */
  public synchronized FakePentaract start(int port) throws IOException {
    if (server != null) {
      return this;
    }
    Files.createDirectories(dir.resolve("blobs"));
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    executor = Executors.newVirtualThreadPerTaskExecutor();
    s.setExecutor(executor);
    s.createContext("/", this::handle);
    s.start();
    this.server = s;
    this.port = s.getAddress().getPort();
    return this;
  }

  /** Goes down: stops listening (connections are refused) and drops open connections. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  public int port() {
    return port;
  }

  public URI apiUrl() {
    return URI.create("http://127.0.0.1:" + port + "/api");
  }

  // ---- inspection

  /** Uploaded file paths of a storage, sorted. */
  public List<String> files(String storageId) {
    Storage s = storages.get(storageId);
    synchronized (s) {
      return s.rows.values().stream().filter(r -> !r.folder() && r.uploaded).map(r -> r.path)
          .toList();
    }
  }

  /** File rows whose upload has not finished (or never will: the uploader died), sorted. */
  public List<String> unfinished(String storageId) {
    Storage s = storages.get(storageId);
    synchronized (s) {
      return s.rows.values().stream().filter(r -> !r.folder() && !r.uploaded).map(r -> r.path)
          .toList();
    }
  }

  /** Every row of a storage (files and folders, uploaded or not), sorted. */
  public List<String> rows(String storageId) {
    Storage s = storages.get(storageId);
    synchronized (s) {
      return List.copyOf(s.rows.keySet());
    }
  }

  public Optional<Path> blob(String storageId, String path) {
    Storage s = storages.get(storageId);
    synchronized (s) {
      Row r = s.rows.get(path);
      return r == null || r.blob == null ? Optional.empty() : Optional.of(r.blob);
    }
  }

  public Optional<String> storageId(String name) {
    return storages.values().stream().filter(s -> s.name.equals(name)).map(s -> s.id).findFirst();
  }

  /** The most requests ever in flight at once on a route such as {@code "POST upload_to"}. */
  public int maxInFlight(String route) {
    RouteStats r = routes.get(route);
    return r == null ? 0 : r.max.get();
  }

  /** Requests held now: uploads waiting at the {@link #holdUploads} gate, stalled downloads. */
  public int holding() {
    return holding.get();
  }

  public int inFlight(String route) {
    RouteStats r = routes.get(route);
    return r == null ? 0 : r.inFlight.get();
  }

  /** How many requests a route has seen, e.g. {@code "POST upload_to"} or {@code "POST login"}. */
  public int count(String route) {
    RouteStats r = routes.get(route);
    return r == null ? 0 : r.count.get();
  }

  /** Every request as {@code "METHOD /decoded/path -> status"}, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  // ---- faults

  /** The next {@code n} uploads read the whole body, then fail with 500 (as a Telegram error does). */
  public void failUploads(int n) {
    failUploads(0, n);
  }

  /** The {@code skip} uploads after this one succeed, then {@code n} fail with 500. */
  public void failUploads(int skip, int n) {
    passUploads.set(skip);
    failUploads.set(n);
  }

  /** From now on every bearer token is refused with 401 (login itself still works). */
  public void refuseTokens(boolean refuse) {
    refuseTokens = refuse;
  }

  /** The next {@code n} uploads drop the connection after reading {@code afterBytes} of the file. */
  public void dropUploads(int n, long afterBytes) {
    dropAfter = afterBytes;
    dropUploads.set(n);
  }

  /** The next upload stops reading its body after {@code afterBytes} until {@code resume} opens. */
  public void stallUpload(long afterBytes, CountDownLatch resume) {
    stallUploadAfter = afterBytes;
    stallUploadUntil = resume;
    stallUploads.set(1);
  }

  /** Uploads answer only after this long, as Pentaract does while it sends chunks to Telegram. */
  public void answerUploadsAfter(Duration delay) {
    uploadAnswerDelay = delay;
  }

  /** Uploads (after reading their body) wait until {@code gate} opens before answering. */
  public void holdUploads(CountDownLatch gate) {
    uploadGate = gate;
  }

  /** Download bodies are sent {@code bytes} at a time with {@code pause} between pieces. */
  public void trickleDownloads(int bytes, Duration pause) {
    trickleBytes = bytes;
    tricklePause = pause;
  }

  /**
   * Download answers come chunked, without Content-Length, with {@code extra} zero bytes after the
   * file (a proxy or server gone wrong); 0 goes back to normal answers.
   */
  public void padDownloads(long extra) {
    downloadPadding = extra;
  }

  /** The next {@code n} downloads go silent for {@code stall} after {@code afterBytes}. */
  public void stallDownloads(int n, long afterBytes, Duration stall) {
    stallDownloadAfter = afterBytes;
    stallDownloadFor = stall;
    stallDownloads.set(n);
  }

  /** Makes the stored copy of {@code path} {@code size} bytes long (a damaged or partial copy). */
  public void resize(String storageId, String path, long size) throws IOException {
    Storage s = storages.get(storageId);
    synchronized (s) {
      Row r = s.rows.get(path);
      try (RandomAccessFile f = new RandomAccessFile(r.blob.toFile(), "rw")) {
        f.setLength(size);
      }
      r.size = size;
    }
  }

  /** Invalidates every token issued so far, as a restart with a new SECRET_KEY would. */
  public void revokeTokens() {
    secret = newSecret();
  }

  // ---- dispatch

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String raw = ex.getRequestURI().getRawPath();
    String path = ex.getRequestURI().getPath();
    int[] status = {0};
    try {
      status[0] = route(ex, method, raw, path);
    } catch (Drop d) {
      requests.add(method + " " + path + " -> dropped (" + d.getMessage() + ")");
      throw d;
    } catch (IOException e) {
      requests.add(method + " " + path + " -> broken (" + e + ")");
      throw e;
    }
    requests.add(method + " " + path + " -> " + status[0]);
    ex.close();
  }

  private int route(HttpExchange ex, String method, String raw, String path) throws IOException {
    if (!raw.startsWith("/api/")) {
      return spa(ex, method);
    }
    String[] parts = raw.substring(5).split("/", -1);
    if (method.equals("POST") && raw.equals("/api/auth/login")) {
      return limited(ex, "POST login", () -> login(ex));
    }
    if (method.equals("POST") && raw.equals("/api/users")) {
      return limited(ex, "POST users", () -> register(ex));
    }
    if (raw.equals("/api/storages")) {
      return switch (method) {
        case "GET" -> limited(ex, "GET storages", () -> authed(ex, email -> listStorages(ex, email)));
        case "POST" -> limited(ex, "POST storages", () -> authed(ex, email -> createStorage(ex, email)));
        default -> text(ex, 405, "");
      };
    }
    if (method.equals("GET") && raw.equals("/api/storage_workers/has_workers")) {
      return limited(ex, "GET has_workers", () -> authed(ex, email -> hasWorkers(ex, email)));
    }
    if (method.equals("POST") && raw.equals("/api/storage_workers")) {
      return limited(ex, "POST storage_workers", () -> authed(ex, email -> addWorker(ex, email)));
    }
    if (parts.length == 2 && parts[0].equals("storages") && method.equals("GET")) {
      return limited(ex, "GET storage", () -> authed(ex, email -> getStorage(ex, email, parts[1])));
    }
    if (parts.length >= 3 && parts[0].equals("storages") && parts[2].equals("files")) {
      String id = parts[1];
      String rest = path.substring(("/api/storages/" + id + "/files").length());
      return files(ex, method, id, rest);
    }
    return spa(ex, method);
  }

  private int files(HttpExchange ex, String method, String id, String rest) throws IOException {
    if (method.equals("POST") && rest.equals("/upload_to")) {
      return limited(ex, "POST upload_to", () -> authed(ex, email -> withStorage(ex, email, id,
          s -> uploadTo(ex, s))));
    }
    if (method.equals("POST") && rest.equals("/upload")) {
      return limited(ex, "POST upload", () -> authed(ex, email -> withStorage(ex, email, id,
          s -> upload(ex, s))));
    }
    if (method.equals("POST") && rest.equals("/create_folder")) {
      return limited(ex, "POST create_folder", () -> authed(ex, email -> withStorage(ex, email, id,
          s -> createFolder(ex, s))));
    }
    if (method.equals("GET") && rest.startsWith("/")) {
      String wildcard = rest.substring(1);
      return limited(ex, "GET files", () -> authed(ex, email -> withStorage(ex, email, id, s -> {
        int slash = wildcard.indexOf('/');
        String first = slash < 0 ? wildcard : wildcard.substring(0, slash);
        String arg = slash < 0 ? "" : wildcard.substring(slash + 1);
        return switch (first) {
          case "tree" -> tree(ex, s, arg);
          case "download" -> download(ex, s, arg);
          case "search" -> search(ex, s, arg);
          default -> text(ex, 404, "Not found");
        };
      })));
    }
    if (method.equals("DELETE") && rest.startsWith("/")) {
      return limited(ex, "DELETE files", () -> authed(ex, email -> withStorage(ex, email, id,
          s -> delete(ex, s, rest.substring(1)))));
    }
    return method.equals("GET") ? spa(ex, method) : text(ex, 405, "");
  }

  @FunctionalInterface
  private interface Handler {
    int handle() throws IOException;
  }

  @FunctionalInterface
  private interface AuthedHandler {
    int handle(String email) throws IOException;
  }

  @FunctionalInterface
  private interface StorageHandler {
    int handle(Storage storage) throws IOException;
  }

  /**
   * Pentaract's ConcurrencyLimitLayer: each route and method has its own queue of permits. As in
   * tower, a permit is held until the response starts (its headers go out), not while its body
   * streams; counting in-flight requests up to that moment also means a client that reuses its
   * slot as soon as it has the answer is never counted twice.
   */
  private int limited(HttpExchange ex, String route, Handler h) throws IOException {
    RouteStats r = routes.computeIfAbsent(route, k -> new RouteStats(workers));
    r.count.incrementAndGet();
    r.permits.acquireUninterruptibly();
    int now = r.inFlight.incrementAndGet();
    r.max.accumulateAndGet(now, Math::max);
    AtomicBoolean answered = new AtomicBoolean();
    Runnable release = () -> {
      if (answered.compareAndSet(false, true)) {
        r.inFlight.decrementAndGet();
        r.permits.release();
      }
    };
    ex.setAttribute(RELEASE, release);
    try {
      return h.handle();
    } finally {
      release.run();
    }
  }

  /** Starts the response: frees the route's permit first (see {@link #limited}). */
  private static void respond(HttpExchange ex, int status, long length) throws IOException {
    if (ex.getAttribute(RELEASE) instanceof Runnable release) {
      release.run();
    }
    ex.sendResponseHeaders(status, length);
  }

  /** Auth runs before any body extractor: a bad token is refused before the body is looked at. */
  private int authed(HttpExchange ex, AuthedHandler h) throws IOException {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    String email = header != null && header.startsWith("Bearer ") && !refuseTokens
        ? verify(header.substring(7).strip())
        : null;
    if (email == null) {
      // the JDK server has already said 100 Continue, so read the body away before refusing
      ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
      return text(ex, 401, "not authenticated");
    }
    return h.handle(email);
  }

  private int withStorage(HttpExchange ex, String email, String id, StorageHandler h)
      throws IOException {
    if (!isUuid(id)) {
      drain(ex);
      return text(ex, 400, "Invalid URL: UUID parsing failed");
    }
    Storage s = storages.get(id);
    if (s == null || !s.owner.equals(email)) {
      drain(ex);
      return text(ex, 404, "storage with id \"" + id + "\" does not exist");
    }
    return h.handle(s);
  }

  private int spa(HttpExchange ex, String method) throws IOException {
    drain(ex);
    if (!method.equals("GET")) {
      return text(ex, 405, "");
    }
    byte[] html = HTML.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/html");
    respond(ex, 200, html.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(html);
    }
    return 200;
  }

  // ---- auth and storages

  private int login(HttpExchange ex) throws IOException {
    Optional<JsonNode> body = jsonBody(ex);
    if (body.isEmpty()) {
      return lastJsonError(ex);
    }
    JsonNode email = body.get().get("email");
    JsonNode password = body.get().get("password");
    if (email == null || !email.isTextual() || password == null || !password.isTextual()) {
      return text(ex, 422, "Failed to deserialize the JSON body into the target type: missing "
          + "field `email` or `password`");
    }
    if (!password.asText().equals(users.get(email.asText()))) {
      return text(ex, 401, "not authenticated");
    }
    return json(ex, 200, Map.of("access_token", issue(email.asText())));
  }

  private int register(HttpExchange ex) throws IOException {
    Optional<JsonNode> body = jsonBody(ex);
    if (body.isEmpty()) {
      return lastJsonError(ex);
    }
    String email = body.get().path("email").asText("");
    String password = body.get().path("password").asText("");
    if (users.putIfAbsent(email, password) != null) {
      return text(ex, 409, "user with given email already exists");
    }
    return empty(ex, 200);
  }

  private int listStorages(HttpExchange ex, String email) throws IOException {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Storage s : storages.values()) {
      if (!s.owner.equals(email)) {
        continue;
      }
      long files = 0;
      long size = 0;
      boolean hidden;
      synchronized (s) {
        for (Row r : s.rows.values()) {
          if (!r.folder()) {
            files++;
            size += r.size;
          }
        }
        // the WHERE after a LEFT JOIN drops storages whose rows are all folders
        hidden = !s.rows.isEmpty() && files == 0;
      }
      if (!hidden) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id);
        m.put("name", s.name);
        m.put("chat_id", s.chatId);
        m.put("files_amount", files);
        m.put("size", size);
        list.add(m);
      }
    }
    return json(ex, 200, Map.of("storages", list));
  }

  private int createStorage(HttpExchange ex, String email) throws IOException {
    Optional<JsonNode> body = jsonBody(ex);
    if (body.isEmpty()) {
      return lastJsonError(ex);
    }
    JsonNode name = body.get().get("name");
    JsonNode chat = body.get().get("chat_id");
    if (name == null || !name.isTextual() || chat == null || !chat.canConvertToLong()) {
      return text(ex, 422, "Failed to deserialize the JSON body into the target type");
    }
    synchronized (storages) {
      for (Storage s : storages.values()) {
        if (s.owner.equals(email) && s.name.equals(name.asText())) {
          return text(ex, 409, "User already has a storage with such name");
        }
        if (s.chatId == chat.asLong()) {
          return text(ex, 409, "Storage with such chat id already exists");
        }
      }
      String id = addStorage(email, name.asText(), chat.asLong(), false);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("name", name.asText());
      m.put("chat_id", chat.asLong());
      return json(ex, 201, m);
    }
  }

  private int getStorage(HttpExchange ex, String email, String id) throws IOException {
    return withStorage(ex, email, id, s -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", s.id);
      m.put("name", s.name);
      m.put("chat_id", s.chatId);
      return json(ex, 200, m);
    });
  }

  /** {@code {"has": bool}} for a storage this user may read; axum's 400 without the query. */
  private int hasWorkers(HttpExchange ex, String email) throws IOException {
    String id = queryParam(ex, "storage_id");
    if (id == null) {
      return text(ex, 400, "Failed to deserialize query string: missing field `storage_id`");
    }
    return withStorage(ex, email, id, s -> json(ex, 200, Map.of("has", s.hasWorkers)));
  }

  private int addWorker(HttpExchange ex, String email) throws IOException {
    Optional<JsonNode> body = jsonBody(ex);
    if (body.isEmpty()) {
      return lastJsonError(ex);
    }
    String storageId = body.get().path("storage_id").asText(null);
    if (storageId != null) {
      Storage s = storages.get(storageId);
      if (s == null) {
        return text(ex, 404, "Such storage does not exist does not exist");
      }
      s.hasWorkers = true;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", UUID.randomUUID().toString());
    m.put("name", body.get().path("name").asText(""));
    m.put("user_id", UUID.nameUUIDFromBytes(email.getBytes(StandardCharsets.UTF_8)).toString());
    m.put("token", body.get().path("token").asText(""));
    m.put("storage_id", storageId);
    return json(ex, 201, m);
  }

  // ---- files

  /** Fields of an upload request; the file part already streamed to a blob. */
  private record Upload(String path, String filename, Path blob, long size) {}

  private Upload readUpload(HttpExchange ex) throws IOException {
    String boundary = MultipartReader.boundary(ex.getRequestHeaders().getFirst("Content-Type"));
    if (boundary == null) {
      drain(ex);
      return null;
    }
    MultipartReader reader = new MultipartReader(ex.getRequestBody(), boundary);
    String path = null;
    String filename = null;
    Path blob = null;
    long size = -1;
    for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
      if ("path".equals(part.name())) {
        path = new String(part.body().readAllBytes(), StandardCharsets.UTF_8);
      } else if ("file".equals(part.name())) {
        filename = part.filename() == null ? "unnamed" : part.filename();
        blob = dir.resolve("blobs").resolve(Long.toString(blobs.incrementAndGet()));
        size = store(part.body(), blob);
      } else {
        part.body().transferTo(OutputStream.nullOutputStream());
      }
    }
    drain(ex);
    return new Upload(path, filename, blob, size);
  }

  /** Streams a part to disk; zero runs become holes, so sparse test files stay sparse. */
  private long store(InputStream in, Path blob) throws IOException {
    boolean drop = dropUploads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    boolean stall = stallUploads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    byte[] buf = new byte[IO_BUFFER];
    byte[] zeros = new byte[IO_BUFFER];
    long total = 0;
    try (RandomAccessFile out = new RandomAccessFile(blob.toFile(), "rw")) {
      while (true) {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0) {
          break;
        }
        if (drop && total + n > dropAfter) {
          throw new Drop("connection dropped after " + total + " bytes of the file");
        }
        if (stall && total + n > stallUploadAfter) {
          stall = false;
          try {
            stallUploadUntil.await();
          } catch (InterruptedException e) {
            throw new Drop("interrupted");
          }
        }
        if (Arrays.mismatch(buf, 0, n, zeros, 0, n) < 0) {
          out.seek(total + n);
        } else {
          out.write(buf, 0, n);
        }
        total += n;
      }
      out.setLength(total);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(blob);
      throw e;
    }
    return total;
  }

  private int uploadTo(HttpExchange ex, Storage s) throws IOException {
    Upload u = readUpload(ex);
    if (u == null) {
      return text(ex, 400, "Invalid `boundary` for `multipart/form-data` request");
    }
    if (u.path() == null) {
      return reject(ex, u, 400, "Path is required");
    }
    if (u.blob() == null) {
      return reject(ex, u, 400, "File is required");
    }
    if (!validFilePath(u.path())) {
      return reject(ex, u, 500, "Something went wrong");
    }
    return store(ex, s, u, u.path());
  }

  private int upload(HttpExchange ex, Storage s) throws IOException {
    Upload u = readUpload(ex);
    if (u == null) {
      return text(ex, 400, "Invalid `boundary` for `multipart/form-data` request");
    }
    if (u.blob() == null) {
      return reject(ex, u, 400, "file file is required");
    }
    if (u.path() == null) {
      return reject(ex, u, 400, "path file is required");
    }
    String base = u.path().isEmpty() || u.path().endsWith("/") ? u.path() : u.path() + "/";
    String wanted = base + u.filename();
    synchronized (s) {
      wanted = freeName(s, wanted);
    }
    return store(ex, s, u, wanted);
  }

  /** What Pentaract does after reading the body: checks, the row, then the "Telegram" work. */
  private int store(HttpExchange ex, Storage s, Upload u, String path) throws IOException {
    if (!s.hasWorkers) {
      return reject(ex, u, 409, "Storage does not have workers");
    }
    Row row = new Row(path, u.size(), false, u.blob());
    synchronized (s) {
      if (s.rows.containsKey(path)) {
        return reject(ex, u, 409, "File with such name already exists");
      }
      s.rows.put(path, row);
    }
    boolean failed = u.size() == 0
        || (passUploads.getAndUpdate(n -> Math.max(0, n - 1)) == 0
            && failUploads.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
    try {
      pause(uploadAnswerDelay);
      holding.incrementAndGet();
      try {
        uploadGate.await();
      } finally {
        holding.decrementAndGet();
      }
    } catch (InterruptedException e) {
      throw new Drop("interrupted");
    }
    if (failed) {
      // zero bytes make no chunk, and a Telegram error fails the whole file: the row goes
      synchronized (s) {
        s.rows.remove(path, row);
      }
      Files.deleteIfExists(u.blob());
      return text(ex, 500, "Something went wrong");
    }
    row.uploaded = true;
    return empty(ex, 201);
  }

  private int reject(HttpExchange ex, Upload u, int status, String message) throws IOException {
    if (u.blob() != null) {
      Files.deleteIfExists(u.blob());
    }
    return text(ex, status, message);
  }

  /** {@code stem (N).suffix} with the smallest free N, the stem cut at the name's first dot. */
  private static String freeName(Storage s, String path) {
    if (!s.rows.containsKey(path)) {
      return path;
    }
    int slash = path.lastIndexOf('/');
    String folder = path.substring(0, slash + 1);
    String name = path.substring(slash + 1);
    int dot = name.indexOf('.');
    String stem = dot < 0 ? name : name.substring(0, dot);
    String suffix = dot < 0 ? "" : name.substring(dot);
    for (int n = 1; ; n++) {
      String candidate = folder + stem + " (" + n + ")" + suffix;
      if (!s.rows.containsKey(candidate)) {
        return candidate;
      }
    }
  }

  private int createFolder(HttpExchange ex, Storage s) throws IOException {
    Optional<JsonNode> body = jsonBody(ex);
    if (body.isEmpty()) {
      return lastJsonError(ex);
    }
    String parent = body.get().path("path").asText(null);
    String name = body.get().path("folder_name").asText(null);
    if (parent == null || name == null) {
      return text(ex, 422, "Failed to deserialize the JSON body into the target type");
    }
    if (name.contains("/")) {
      return text(ex, 400, "Invalid folder name");
    }
    if (!parent.isEmpty() && !validFilePath(parent)) {
      return text(ex, 500, "Something went wrong");
    }
    String path = parent.isEmpty() ? name + "/" : parent + "/" + name + "/";
    synchronized (s) {
      if (s.rows.containsKey(path)) {
        return text(ex, 409, "File with such name already exists");
      }
      s.rows.put(path, new Row(path, 0, true, null));
    }
    return empty(ex, 201);
  }

  private int tree(HttpExchange ex, Storage s, String dir) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    if (!dir.endsWith("/")) { // "a/b/" breaks Pentaract's SQL: nothing is listed
      String prefix = dir.isEmpty() ? "" : dir + "/";
      Map<String, long[]> folders = new TreeMap<>();
      synchronized (s) {
        for (Row r : s.rows.tailMap(prefix, true).values()) {
          if (!r.path.startsWith(prefix)) {
            break;
          }
          String rest = r.path.substring(prefix.length());
          int slash = rest.indexOf('/');
          if (rest.isEmpty() || slash == 0) {
            continue;
          }
          if (slash < 0) {
            if (r.uploaded) {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("path", r.path);
              m.put("name", rest);
              m.put("size", r.size);
              m.put("is_file", true);
              out.add(m);
            }
          } else if (!r.folder() && r.uploaded) {
            folders.computeIfAbsent(rest.substring(0, slash), k -> new long[1])[0] += r.size;
          } else if (r.folder()) {
            folders.computeIfAbsent(rest.substring(0, slash), k -> new long[1]);
          }
        }
      }
      List<Map<String, Object>> dirs = new ArrayList<>();
      folders.forEach((name, size) -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", prefix + name);
        m.put("name", name);
        m.put("size", size[0]);
        m.put("is_file", false);
        dirs.add(m);
      });
      dirs.addAll(out);
      out = dirs;
    }
    return json(ex, 200, out);
  }

  private int download(HttpExchange ex, Storage s, String path) throws IOException {
    if (!validFilePath(path)) {
      return text(ex, 500, "Something went wrong");
    }
    Row r;
    synchronized (s) {
      r = s.rows.get(path);
    }
    if (r == null) {
      return text(ex, 404, "such file does not exist");
    }
    long size = r.size;
    String name = RemotePaths.nameOf(path);
    String type = URLConnection.guessContentTypeFromName(name);
    ex.getResponseHeaders().set("Content-Type", type == null ? "application/octet-stream" : type);
    // Pentaract sends the name as raw UTF-8 bytes; the JDK server writes header chars as single bytes
    String raw = new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + raw + "\"");
    long padding = downloadPadding;
    respond(ex, 200, padding > 0 ? 0 : size == 0 ? -1 : size);
    if (padding > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        if (r.blob != null) {
          Files.copy(r.blob, out);
        }
        byte[] zeros = new byte[IO_BUFFER];
        for (long left = padding; left > 0; left -= zeros.length) {
          out.write(zeros, 0, (int) Math.min(zeros.length, left));
        }
      }
      return 200;
    }
    if (size == 0 || r.blob == null) {
      return 200;
    }
    boolean stall = stallDownloads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    int trickle = trickleBytes;
    byte[] buf = new byte[trickle > 0 ? trickle : IO_BUFFER];
    try (InputStream in = Files.newInputStream(r.blob); OutputStream out = ex.getResponseBody()) {
      long sent = 0;
      while (sent < size) {
        int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, size - sent));
        if (n == 0) {
          break;
        }
        if (stall && sent + n > stallDownloadAfter) {
          stall = false;
          out.write(buf, 0, (int) Math.max(0, stallDownloadAfter - sent));
          out.flush();
          holding.incrementAndGet();
          try {
            pause(stallDownloadFor);
          } finally {
            holding.decrementAndGet();
          }
          throw new Drop("stalled download");
        }
        out.write(buf, 0, n);
        sent += n;
        if (trickle > 0) {
          out.flush();
          pause(tricklePause);
        }
      }
    }
    return 200;
  }

  private int search(HttpExchange ex, Storage s, String base) throws IOException {
    String text = queryParam(ex, "search_path");
    if (text == null) {
      return text(ex, 422, "search_path query parameter is required");
    }
    String needle = text.toLowerCase(Locale.ROOT);
    List<Map<String, Object>> out = new ArrayList<>();
    synchronized (s) {
      for (Row r : s.rows.values()) {
        String p = r.path.toLowerCase(Locale.ROOT);
        if (p.startsWith(base.toLowerCase(Locale.ROOT))
            && p.indexOf(needle, base.length()) >= 0) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("path", r.path);
          m.put("is_file", r.folder()); // Pentaract's flag really is inverted
          out.add(m);
        }
      }
    }
    return json(ex, 200, out);
  }

  private int delete(HttpExchange ex, Storage s, String path) throws IOException {
    if (path.startsWith("/") || path.contains("//") || path.isEmpty()) {
      return text(ex, 500, "Something went wrong");
    }
    List<Path> gone = new ArrayList<>();
    synchronized (s) {
      if (path.endsWith("/")) {
        var it = s.rows.tailMap(path, true).entrySet().iterator();
        while (it.hasNext()) {
          var e = it.next();
          if (!e.getKey().startsWith(path)) {
            break;
          }
          if (e.getValue().blob != null) {
            gone.add(e.getValue().blob);
          }
          it.remove();
        }
      } else {
        Row r = s.rows.remove(path);
        if (r != null && r.blob != null) {
          gone.add(r.blob);
        }
      }
      // the parent folder row comes back if nothing else keeps the folder alive
      String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      int slash = trimmed.lastIndexOf('/');
      String parent = slash < 0 ? "/" : trimmed.substring(0, slash + 1);
      boolean alive = s.rows.keySet().stream().anyMatch(k -> k.startsWith(parent)
          && !k.equals(parent));
      if (!alive) {
        s.rows.putIfAbsent(parent, new Row(parent, 0, true, null));
      }
    }
    for (Path p : gone) {
      Files.deleteIfExists(p);
    }
    return empty(ex, 200);
  }

  // ---- tokens

  private String issue(String email) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", UUID.nameUUIDFromBytes(email.getBytes(StandardCharsets.UTF_8)).toString());
    claims.put("email", email);
    claims.put("exp", clock.instant().plus(tokenLifetime).getEpochSecond());
    String head = b64("{\"typ\":\"JWT\",\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
    String body;
    try {
      body = b64(JSON.writeValueAsBytes(claims));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return head + "." + body + "." + b64(sign(head + "." + body, secret));
  }

  /** The token's email when its signature and expiry (with jsonwebtoken's 60 s leeway) hold. */
  private String verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    byte[] expected = sign(parts[0] + "." + parts[1], secret);
    try {
      if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
        return null;
      }
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      long exp = claims.path("exp").asLong(0);
      if (clock.instant().minus(LEEWAY).getEpochSecond() > exp) {
        return null;
      }
      return claims.path("email").asText(null);
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
  }

  private static byte[] sign(String data, byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] newSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  // ---- plumbing

  private final ThreadLocal<Integer> jsonError = new ThreadLocal<>();
  private final ThreadLocal<String> jsonErrorText = new ThreadLocal<>();

  /** The JSON body, or empty after recording axum's rejection (415, 400). */
  private Optional<JsonNode> jsonBody(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    byte[] body = ex.getRequestBody().readNBytes(2 << 20);
    drain(ex);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      jsonError.set(415);
      jsonErrorText.set("Expected request with `Content-Type: application/json`");
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new IOException("not an object");
      }
      return Optional.of(node);
    } catch (IOException e) {
      jsonError.set(400);
      jsonErrorText.set("Failed to parse the request body as JSON");
      return Optional.empty();
    }
  }

  private int lastJsonError(HttpExchange ex) throws IOException {
    return text(ex, jsonError.get(), jsonErrorText.get());
  }

  private static int text(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    respond(ex, status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
    return status;
  }

  private static int json(HttpExchange ex, int status, Object value) throws IOException {
    byte[] b = JSON.writeValueAsBytes(value);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    respond(ex, status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
    return status;
  }

  private static int empty(HttpExchange ex, int status) throws IOException {
    respond(ex, status, -1);
    return status;
  }

  private static void drain(HttpExchange ex) throws IOException {
    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
  }

  private static void pause(Duration d) {
    if (d.isPositive()) {
      try {
        Thread.sleep(d);
      } catch (InterruptedException e) {
        throw new Drop("interrupted");
      }
    }
  }

  private static boolean validFilePath(String path) {
    return !path.isEmpty() && !path.startsWith("/") && !path.contains("//") && !path.endsWith("/");
  }

  private static boolean isUuid(String s) {
    try {
      return UUID.fromString(s).toString().equalsIgnoreCase(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String queryParam(HttpExchange ex, String name) {
    String q = ex.getRequestURI().getQuery();
    if (q == null) {
      return null;
    }
    for (String kv : q.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return kv.substring(eq + 1);
      }
    }
    return null;
  }

  /**
   * Runs the fake as a process, e.g. {@code bench/fake-pentaract --port 8000 --dir /tmp/fake}.
   * Options: {@code --port N} (default 8000), {@code --dir PATH} (default a temp directory), {@code
   * --email E} and {@code --password P} (default admin@example.com / secret), {@code --storage NAME}
   * to create a storage with a worker (default ScoutBot-Storage; {@code --storage ""} for none),
   * {@code --token-minutes N} (default 30), {@code --workers N} (default 4).
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("--port", "8000");
    o.put("--dir", "");
    o.put("--email", "admin@example.com");
    o.put("--password", "secret");
    o.put("--storage", "ScoutBot-Storage");
    o.put("--chat-id", "-1234567890");
    o.put("--token-minutes", "30");
    o.put("--workers", "4");
    o.put("--upload-latency-ms", "0");
    for (int i = 0; i < args.length; i++) {
      if (!o.containsKey(args[i]) || i + 1 >= args.length) {
        System.err.println("usage: FakePentaract " + String.join(" ", o.keySet().stream()
            .map(k -> "[" + k + " " + (o.get(k).isEmpty() ? "…" : o.get(k)) + "]").toList()));
        System.exit(2);
      }
      o.put(args[i], args[++i]);
    }
    Path dir = o.get("--dir").isEmpty()
        ? Files.createTempDirectory("fake-pentaract")
        : Files.createDirectories(Path.of(o.get("--dir")));
    FakePentaract fake = new FakePentaract(dir, InstantSource.system())
        .user(o.get("--email"), o.get("--password"))
        .workers(Integer.parseInt(o.get("--workers")))
        .tokenLifetime(Duration.ofMinutes(Long.parseLong(o.get("--token-minutes"))));
    long latency = Long.parseLong(o.get("--upload-latency-ms"));
    if (latency > 0) {
      fake.answerUploadsAfter(Duration.ofMillis(latency));
    }
    String storage = o.get("--storage");
    String id = storage.isEmpty() ? null
        : fake.addStorage(o.get("--email"), storage, Long.parseLong(o.get("--chat-id")), true);
    fake.start(Integer.parseInt(o.get("--port")));
    System.out.println("Fake Pentaract listening on " + fake.apiUrl() + " (files in " + dir + ")");
    System.out.println("  user " + o.get("--email") + " / " + o.get("--password")
        + (id == null ? "" : ", storage '" + storage + "' with a worker, id " + id));
    System.out.println("  PENTARACT_ENABLED=true PENTARACT_API_URL=" + fake.apiUrl()
        + " PENTARACT_EMAIL=" + o.get("--email") + " PENTARACT_PASSWORD=" + o.get("--password")
        + (id == null ? "" : " PENTARACT_STORAGE=" + storage));
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(fake::stop));
    new CountDownLatch(1).await();
  }
}
