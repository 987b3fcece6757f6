package io.scoutbot.storage.pentaract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.config.Secret;
import io.scoutbot.storage.pentaract.Failures.Call;
import io.scoutbot.transfer.InterruptWatch;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.Http1StreamListener;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One Pentaract account's view of the REST API (see docs/pentaract.md): JSON login, bearer
 * token on every call, storages, and the storage-scoped file routes. Each method makes one attempt and
 * throws a classified {@link PentaractFailure}; retries and the circuit breaker live with the caller.
 * A 401 logs in again once and repeats the call once, never more.
 *
 * <p>Thread-safe: one pooled HttpClient 5 for all threads, at most {@code maxConcurrentUploads} upload
 * requests in flight (a hard semaphore; Pentaract queues the rest anyway), and one login at a time.
 * Interrupting a calling thread aborts its request at once ({@link InterruptWatch}): the call fails
 * as cancelled instead of waiting out Pentaract's answer.
 *
 * <p>Timeouts: connecting and every silence while bytes flow are bounded by the idle timeout
 * (PENTARACT_TIMEOUT). Pentaract answers an upload only after every 20 MiB chunk reached Telegram and
 * starts a download only after fetching every chunk, so the wait for those answers is allowed {@code
 * perChunk} more per chunk; the socket timeout drops back to the idle timeout as soon as the answer's
 * head arrives.
 */
final class PentaractClient implements AutoCloseable {

  /** Pentaract's chunk size: the unit of its Telegram work, and so of the time it takes to answer. */
  static final long PENTARACT_CHUNK = 20L << 20;

  private static final int MAX_JSON_BYTES = 8 << 20;
  private static final int MAX_ERROR_BYTES = 64 << 10;
  /** Renew a token this long before it expires, so that it never runs out between check and use. */
  private static final Duration RENEW_MARGIN = Duration.ofSeconds(60);

  /** How to reach the API and how long to wait. Immutable. */
  record Settings(URI api, String email, Secret password, Duration connectTimeout,
      Duration idleTimeout, Duration perChunk, int maxConcurrentUploads) {}

  /** A storage as {@code GET /api/storages} lists it; {@code filesAmount} is -1 when unknown. */
  record StorageInfo(String id, String name, long chatId, long filesAmount) {}

  /** One direct child in a {@code tree} listing. */
  record TreeEntry(String path, String name, long size, boolean isFile) {}

  /** What {@code POST /api/storages} did. */
  sealed interface Created {
    record Storage(StorageInfo storage) implements Created {}

    record NameTaken(String answer) implements Created {}
  }

  /** Receives a download's body; returns how many bytes it took. */
  @FunctionalInterface
  interface BodyReader {
    long read(InputStream body, long contentLength) throws IOException;
  }

  private final Settings settings;
  private final String base;
  private final HttpHost host;
  private final CloseableHttpClient http;
  private final RequestConfig defaults;
  private final Failures failures;
  private final InstantSource clock;
  private final Semaphore uploads;
  private final ReentrantLock loginLock = new ReentrantLock();
  private final ObjectMapper json = new ObjectMapper();
  private volatile AccessToken token;
  private volatile boolean firstUpload;
  private volatile PentaractRequests requests = PentaractRequests.none();

  PentaractClient(Settings settings, Failures failures, InstantSource clock) {
    this.settings = settings;
    String url = settings.api().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.host = HttpHost.create(settings.api());
    this.failures = failures;
    this.clock = clock;
    this.uploads = new Semaphore(settings.maxConcurrentUploads(), true);
    Timeout idle = Timeout.of(settings.idleTimeout());
    this.defaults =
        RequestConfig.custom()
            .setResponseTimeout(idle)
            .setRedirectsEnabled(false)
            .setConnectionRequestTimeout(Timeout.ofMinutes(10))
            .build();
    int keepIdle = (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.idleTimeout().toSeconds()));
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultSocketConfig(
                        SocketConfig.custom()
                            .setSoTimeout(idle)
                            .setTcpNoDelay(true)
                            // the wait for an upload's answer can be long and silent: keep-alive
                            // probes notice a vanished host long before that wait runs out
                            .setSoKeepAlive(true)
                            .setTcpKeepIdle(keepIdle)
                            .setTcpKeepInterval(10)
                            .setTcpKeepCount(3)
                            .build())
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                            .setSocketTimeout(idle)
                            .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                            .build())
                    .setMaxConnTotal(settings.maxConcurrentUploads() + 4)
                    .setMaxConnPerRoute(settings.maxConcurrentUploads() + 4)
                    .build())
            .setRequestExecutor(new HttpRequestExecutor(Http1Config.DEFAULT, null,
                new IdleAfterHead(idle)))
            .setDefaultRequestConfig(defaults)
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent("scoutbot")
            .build();
  }

  String api() {
    return base;
  }

  /** Reports every request from now on to {@code requests} (metrics). */
  void observe(PentaractRequests requests) {
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  /** How long to wait for the answer to a request about {@code bytes} of file data. */
  Duration answerAllowance(long bytes) {
    long chunks = Math.max(1, (bytes + PENTARACT_CHUNK - 1) / PENTARACT_CHUNK);
    return settings.idleTimeout().plus(settings.perChunk().multipliedBy(chunks));
  }

  // ---- session

  /** Logs in now, whatever token is cached, and keeps the new token. */
  AccessToken login() {
    lockLogin();
    try {
      AccessToken t = requestToken();
      token = t;
      return t;
    } finally {
      loginLock.unlock();
    }
  }

  /** True when a token is cached and not about to expire. */
  boolean loggedIn() {
    AccessToken t = token;
    return t != null && !t.expiresWithin(RENEW_MARGIN, clock.instant());
  }

  private AccessToken currentToken(AccessToken refused) {
    AccessToken t = token;
    if (t != null && t != refused && !t.expiresWithin(RENEW_MARGIN, clock.instant())) {
      return t;
    }
    lockLogin();
    try {
      t = token;
      if (t != null && t != refused && !t.expiresWithin(RENEW_MARGIN, clock.instant())) {
        return t; // another thread logged in meanwhile
      }
      t = requestToken();
      token = t;
      return t;
    } finally {
      loginLock.unlock();
    }
  }

  /** Waits for another thread's login, unless this one is interrupted meanwhile. */
  private void lockLogin() {
    try {
      loginLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PentaractFailure.cancelled(Call.LOGIN.doing, e);
    }
  }

  private AccessToken requestToken() {
    requireNotInterrupted(Call.LOGIN, "");
    Map<String, String> body = new LinkedHashMap<>();
    body.put("email", settings.email());
    body.put("password", settings.password().reveal());
    HttpPost post = new HttpPost(URI.create(base + "/auth/login"));
    post.setEntity(new ByteArrayEntity(toJson(body), ContentType.APPLICATION_JSON));
    try (InterruptWatch guard = abortOnInterrupt(post);
        CloseableHttpResponse r = open(Call.LOGIN, post)) {
      JsonAnswer answer = readJson(Call.LOGIN, "", r);
      JsonNode value = answer.body().get("access_token");
      if (value == null || !value.isTextual() || value.asText().isEmpty()) {
        throw failures.unexpected(Call.LOGIN, answer.status(),
            "no access_token in the login answer");
      }
      return AccessToken.of(value.asText());
    } catch (IOException e) {
      throw failures.io(Call.LOGIN, "", e);
    }
  }

  // ---- storages

  List<StorageInfo> storages() {
    JsonAnswer answer = json(Call.LIST_STORAGES, "", () -> new HttpGet(uri("/storages")));
    JsonNode list = answer.body().get("storages");
    if (list == null || !list.isArray()) {
      throw failures.unexpected(Call.LIST_STORAGES, answer.status(), answer.body().isArray()
          ? "a bare list instead of {\"storages\": [...]}, as ScoutBot's Python mini-server answers"
          : "no \"storages\" list");
    }
    List<StorageInfo> out = new ArrayList<>();
    for (JsonNode s : list) {
      out.add(storage(Call.LIST_STORAGES, answer.status(), s));
    }
    return out;
  }

  /** The storage with this id, or empty when it does not exist or this account cannot see it. */
  Optional<StorageInfo> storage(String id) {
    try {
      JsonAnswer answer =
          json(Call.GET_STORAGE, id, () -> new HttpGet(uri("/storages/" + RemotePaths.encode(id))));
      return Optional.of(storage(Call.GET_STORAGE, answer.status(), answer.body()));
    } catch (PentaractFailure f) {
      if (f.status().orElse(0) == 404 || f.status().orElse(0) == 400) {
        return Optional.empty(); // 400: not a UUID, so no such storage either
      }
      throw f;
    }
  }

  /**
   * Whether the storage has at least one storage worker ({@code GET
   * /api/storage_workers/has_workers}): without one Pentaract refuses every upload with 409.
   */
  boolean hasWorkers(String storageId) {
    JsonAnswer answer = json(Call.HAS_WORKERS, storageId, () -> new HttpGet(uri(
        "/storage_workers/has_workers?storage_id=" + RemotePaths.encode(storageId))));
    JsonNode has = answer.body().get("has");
    if (has == null || !has.isBoolean()) {
      throw failures.unexpected(Call.HAS_WORKERS, answer.status(), "no boolean 'has'");
    }
    return has.asBoolean();
  }

  Created createStorage(String name, long chatId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("chat_id", chatId);
    byte[] payload = toJson(body);
    return send(Call.CREATE_STORAGE, name,
        () -> {
          HttpPost post = new HttpPost(uri("/storages"));
          post.setEntity(new ByteArrayEntity(payload, ContentType.APPLICATION_JSON));
          return post;
        },
        r -> {
          if (r.getCode() == 409 && errorText(r).toLowerCase(Locale.ROOT).contains("such name")) {
            return new Created.NameTaken(Failures.answer(409, null, "storage name already taken"));
          }
          JsonAnswer answer = readJson(Call.CREATE_STORAGE, name, r);
          return new Created.Storage(storage(Call.CREATE_STORAGE, answer.status(), answer.body()));
        });
  }

  private StorageInfo storage(Call call, int status, JsonNode s) {
    JsonNode id = s.get("id");
    JsonNode name = s.get("name");
    if (id == null || !id.isTextual() || name == null || !name.isTextual()) {
      throw failures.unexpected(call, status, "a storage without id or name");
    }
    JsonNode files = s.get("files_amount");
    return new StorageInfo(id.asText(), name.asText(), s.path("chat_id").asLong(0),
        files != null && files.canConvertToLong() ? files.asLong() : -1);
  }

  // ---- files

  /**
   * Uploads {@code body} to exactly {@code path} ({@code upload_to}).
   *
   * @return true when stored; false when Pentaract already has a file at {@code path} (409)
   */
  boolean uploadTo(String storageId, String path, UploadBody body) {
    String target = path;
    try {
      uploads.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PentaractFailure.cancelled("upload of " + path, e);
    }
    try {
      RequestConfig config =
          RequestConfig.copy(defaults)
              .setResponseTimeout(Timeout.of(answerAllowance(body.getContentLength())))
              // a refusal (401, 404, no workers) then comes before the body, not after it
              .setExpectContinueEnabled(true)
              .build();
      return send(Call.UPLOAD, target,
          () -> {
            HttpPost post = new HttpPost(files(storageId, "/upload_to"));
            post.setConfig(config);
            post.setEntity(body);
            body.watch(settings.idleTimeout(), post::cancel);
            return post;
          },
          r -> {
            if (r.getCode() == 201 || r.getCode() == 200) {
              return true;
            }
            if (r.getCode() == 409 && errorText(r).toLowerCase(Locale.ROOT).contains("already exists")) {
              return false;
            }
            throw failure(Call.UPLOAD, target, r);
          });
    } finally {
      uploads.release();
    }
  }

  /** The direct children of folder {@code dir} ("" for the root); empty when it does not exist. */
  List<TreeEntry> tree(String storageId, String dir) {
    String path = dir.isEmpty() ? "/tree" : "/tree/" + RemotePaths.encode(dir);
    JsonAnswer answer = json(Call.TREE, dir, () -> new HttpGet(files(storageId, path)));
    if (!answer.body().isArray()) {
      throw failures.unexpected(Call.TREE, answer.status(), "tree is not a list");
    }
    List<TreeEntry> out = new ArrayList<>();
    for (JsonNode e : answer.body()) {
      JsonNode p = e.get("path");
      if (p == null || !p.isTextual()) {
        throw failures.unexpected(Call.TREE, answer.status(), "a tree entry without path");
      }
      out.add(new TreeEntry(p.asText(), e.path("name").asText(RemotePaths.nameOf(p.asText())),
          e.path("size").asLong(0), e.path("is_file").asBoolean(false)));
    }
    return out;
  }

  /** The size of the complete file at {@code path}, or empty when there is none. */
  OptionalLong size(String storageId, String path) {
    for (TreeEntry e : tree(storageId, RemotePaths.folderOf(path))) {
      if (e.isFile() && e.path().equals(path)) {
        return OptionalLong.of(e.size());
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Streams the file at {@code path} into {@code reader}.
   *
   * @param expectedSize what the listing or manifest says; decides how long to wait for Pentaract to
   *     fetch the chunks from Telegram, and the answer's Content-Length must match it
   */
  long download(String storageId, String path, long expectedSize, BodyReader reader) {
    RequestConfig config =
        RequestConfig.copy(defaults)
            .setResponseTimeout(Timeout.of(answerAllowance(expectedSize)))
            .build();
    return send(Call.DOWNLOAD, path,
        () -> {
          HttpGet get = new HttpGet(files(storageId, "/download/" + RemotePaths.encode(path)));
          get.setConfig(config);
          return get;
        },
        r -> {
          if (r.getCode() != 200) {
            throw failure(Call.DOWNLOAD, path, r);
          }
          HttpEntity entity = r.getEntity();
          long length = entity == null ? 0 : entity.getContentLength();
          if (length >= 0 && length != expectedSize) {
            throw PentaractFailure.retry("Pentaract offered " + length + " bytes for " + path
                + ", which should have " + expectedSize + " (a file still being uploaded, or a "
                + "damaged one)", 200);
          }
          if (entity == null) {
            return 0L;
          }
          try (InputStream in = entity.getContent()) {
            return reader.read(in, length);
          }
        });
  }

  /** Deletes the file at {@code path}, or the folder and all under it when it ends with {@code /}. */
  void delete(String storageId, String path) {
    send(Call.DELETE, path, () -> new HttpDelete(files(storageId, "/" + RemotePaths.encode(path))),
        r -> {
          if (r.getCode() / 100 != 2) {
            throw failure(Call.DELETE, path, r);
          }
          return null;
        });
  }

  // ---- plumbing

  /** Builds a request; called again for the one repeat after a 401. */
  @FunctionalInterface
  private interface RequestFactory {
    HttpUriRequestBase build();
  }

  @FunctionalInterface
  private interface ResponseHandler<T> {
    T handle(ClassicHttpResponse response) throws IOException;
  }

  /** A JSON answer and the status it came with, for messages about its shape. */
  private record JsonAnswer(int status, JsonNode body) {}

  private JsonAnswer json(Call call, String target, RequestFactory request) {
    return send(call, target, request, r -> readJson(call, target, r));
  }

  /** One call with the bearer token; a 401 renews the token and repeats the call exactly once. */
  private <T> T send(Call call, String target, RequestFactory factory, ResponseHandler<T> handler) {
    requireNotInterrupted(call, target);
    AccessToken used = currentToken(null);
    try {
      HttpUriRequestBase first = factory.build();
      first.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + used.value());
      try (InterruptWatch guard = abortOnInterrupt(first);
          CloseableHttpResponse r = open(call, first)) {
        if (r.getCode() != 401) {
          return complete(r, handler);
        }
        discard(r);
      }
      AccessToken renewed = currentToken(used);
      HttpUriRequestBase again = factory.build();
      again.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + renewed.value());
      try (InterruptWatch guard = abortOnInterrupt(again);
          CloseableHttpResponse r = open(call, again)) {
        if (r.getCode() == 401) {
          throw failure(call, target, r);
        }
        return complete(r, handler);
      }
    } catch (IOException e) {
      throw failures.io(call, target, e);
    }
  }

  /** An interrupted thread sends nothing: its caller is shutting down or gave the work up. */
  private void requireNotInterrupted(Call call, String target) {
    if (Thread.currentThread().isInterrupted()) {
      throw PentaractFailure.cancelled(call.doing + (target.isEmpty() ? "" : " " + target), null);
    }
  }

  private CloseableHttpResponse open(Call call, HttpUriRequestBase request) throws IOException {
    PentaractRequests.Exchange exchange = begin(call);
    int status = 0;
    try {
      CloseableHttpResponse r = (CloseableHttpResponse) http.executeOpen(host, request, null);
      status = r.getCode();
      return r;
    } finally {
      end(exchange, status);
    }
  }

  // an observer's failure must never fail a transfer
  private PentaractRequests.Exchange begin(Call call) {
    try {
      return requests.begin(call.name().toLowerCase(Locale.ROOT));
    } catch (RuntimeException e) {
      return status -> {};
    }
  }

  private static void end(PentaractRequests.Exchange exchange, int status) {
    try {
      exchange.end(status);
    } catch (RuntimeException e) {
      // ignored, as in begin()
    }
  }

  /** Runs the handler; on any failure drops the connection instead of reading a large body. */
  private static <T> T complete(CloseableHttpResponse r, ResponseHandler<T> handler)
      throws IOException {
    boolean ok = false;
    try {
      T result = handler.handle(r);
      ok = true;
      return result;
    } finally {
      if (!ok) {
        r.close(CloseMode.IMMEDIATE);
      }
    }
  }

  private JsonAnswer readJson(Call call, String target, ClassicHttpResponse r) throws IOException {
    if (r.getCode() / 100 != 2) {
      throw failure(call, target, r);
    }
    HttpEntity entity = r.getEntity();
    String type = entity == null ? null : entity.getContentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).contains("json")) {
      throw failures.notJson(call, r.getCode(), type);
    }
    byte[] body = readBounded(entity, MAX_JSON_BYTES);
    if (body == null) {
      throw failures.unexpected(call, r.getCode(),
          "an answer larger than " + MAX_JSON_BYTES + " bytes");
    }
    try {
      return new JsonAnswer(r.getCode(), json.readTree(body));
    } catch (JsonProcessingException e) {
      throw failures.unexpected(call, r.getCode(), "invalid JSON: " + e.getOriginalMessage());
    }
  }

  /** Classifies an unexpected status, reading at most a small plain-text body. */
  private PentaractFailure failure(Call call, String target, ClassicHttpResponse r)
      throws IOException {
    HttpEntity entity = r.getEntity();
    String type = entity == null ? null : entity.getContentType();
    return failures.http(call, target, r.getCode(), type, errorText(r), retryAfter(r),
        firstUpload);
  }

  /** Whether a 500 on upload should carry the first-upload hint (a new, empty storage). */
  void firstUpload(boolean first) {
    this.firstUpload = first;
  }

  /** The body of an error answer as text, read once and cached on the response. */
  private static String errorText(ClassicHttpResponse r) throws IOException {
    HttpEntity entity = r.getEntity();
    if (entity instanceof ByteArrayEntity cached) {
      return new String(cached.getContent().readAllBytes(), StandardCharsets.UTF_8);
    }
    byte[] body = entity == null ? new byte[0] : readBounded(entity, MAX_ERROR_BYTES);
    String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    r.setEntity(new ByteArrayEntity(text.getBytes(StandardCharsets.UTF_8),
        entity == null || entity.getContentType() == null
            ? ContentType.TEXT_PLAIN
            : ContentType.parseLenient(entity.getContentType())));
    return text;
  }

  private static Optional<Duration> retryAfter(ClassicHttpResponse r) {
    Header h = r.getFirstHeader(HttpHeaders.RETRY_AFTER);
    if (h == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(h.getValue().strip()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Reads an entity of at most {@code max} bytes; null when it is larger. */
  private static byte[] readBounded(HttpEntity entity, int max) throws IOException {
    long declared = entity.getContentLength();
    if (declared > max) {
      return null;
    }
    try (InputStream in = entity.getContent()) {
      byte[] data = in.readNBytes(max);
      return in.read() < 0 ? data : null;
    }
  }

  private static void discard(CloseableHttpResponse r) throws IOException {
    HttpEntity entity = r.getEntity();
    if (entity != null && readBounded(entity, MAX_ERROR_BYTES) == null) {
      r.close(CloseMode.IMMEDIATE);
    }
  }

  private byte[] toJson(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain maps always serialise", e);
    }
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private URI files(String storageId, String path) {
    return URI.create(base + "/storages/" + RemotePaths.encode(storageId) + "/files" + path);
  }

  @Override
  public void close() {
    http.close(CloseMode.IMMEDIATE);
  }

  /**
   * Puts the socket back on the idle timeout once an answer's head has arrived: the long allowance
   * is for Pentaract's Telegram work before it answers, never for silence inside a body.
   */
  private static final class IdleAfterHead implements Http1StreamListener {
    private final Timeout idle;

    IdleAfterHead(Timeout idle) {
      this.idle = idle;
    }

    @Override
    public void onRequestHead(HttpConnection connection, HttpRequest request) {}

    @Override
    public void onResponseHead(HttpConnection connection, HttpResponse response) {
      if (response.getCode() >= 200) {
        connection.setSocketTimeout(idle);
      }
    }

    @Override
    public void onExchangeComplete(HttpConnection connection, boolean keepAlive) {}
  }

  /** Aborts {@code request} when the calling thread is interrupted (a blocked socket ignores it). */
  private static InterruptWatch abortOnInterrupt(Cancellable request) {
    return InterruptWatch.onInterrupt("pentaract-interrupt-guard", request::cancel);
  }
}
