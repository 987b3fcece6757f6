package io.scoutbot.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.config.TelegramConfig;
import io.scoutbot.retry.Disposition;
import io.scoutbot.time.Sleeper;
import io.scoutbot.transfer.InterruptWatch;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * One bot's connection to a Bot API server: the token, the server address, the limits that server
 * implies, and the HTTP client every port of this package shares. Built once by the composition
 * root with {@link #open}; thread-safe; {@link #close()} stops its HTTP threads.
 *
 * <p><b>Calls.</b> Methods go through TelegramBots' {@link OkHttpTelegramClient} (JSON for plain
 * methods, streamed multipart from a {@link java.io.File} for sends). The caller waits on the
 * returned future, so an interrupt cancels the HTTP call at once ({@link CallTracker}).
 *
 * <p><b>Failures</b> are classified once here ({@link Failures}). A 429 is waited out ({@code
 * retry_after}, through the injected {@link Sleeper}) and the call made once more; a second 429, or
 * one asking for more than {@link #MAX_INLINE_WAIT}, is thrown with its RETRY_AFTER disposition so
 * the queue reschedules the work instead of holding a worker.
 *
 * <p><b>Timeouts.</b> Connecting gets 30 s and an idle connection 60 s, never a cap on a whole
 * transfer. A call whose answer comes only after the server has handled a large file (a send, or
 * getFile on a local server, which first downloads the file from Telegram) waits 60 s plus 1 s per
 * MiB for it ({@link #answerWait}).
 */
public final class BotApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BotApi.class);

  /** The longest {@code retry_after} waited out in line; longer ones go back to the queue. */
  public static final Duration MAX_INLINE_WAIT = Duration.ofSeconds(60);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final String token;
  private final String base;
  private final TelegramUrl url;
  private final TelegramLimits limits;
  private final Sleeper sleeper;
  private final Redactor redactor;
  private final Failures failures;
  private final CallTracker tracker = new CallTracker();
  private final ObjectMapper json = new ObjectMapper();
  private final ExecutorService callThreads;
  private final OkHttpClient http;
  private final OkHttpTelegramClient client;

  private BotApi(String token, URI base, TelegramLimits limits, Sleeper sleeper) {
    this.token = token;
    this.base = base.getScheme() + "://" + base.getHost()
        + (base.getPort() == -1 ? "" : ":" + base.getPort());
    this.url = telegramUrl(base);
    this.limits = limits;
    this.sleeper = sleeper;
    this.redactor = new Redactor(token);
    this.failures = new Failures(this.base, redactor);
    // virtual threads: TelegramBots runs every call asynchronously, a send included, and platform
    // dispatcher threads would outlive close() for a minute
    this.callThreads =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("telegram-call-", 0).factory());
    Dispatcher dispatcher = new Dispatcher(callThreads);
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(64);
    this.http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectTimeout(CONNECT_TIMEOUT)
        .readTimeout(IDLE_TIMEOUT)
        .writeTimeout(IDLE_TIMEOUT)
        .eventListenerFactory(tracker)
        .build();
    this.client = new OkHttpTelegramClient(json, http, token, url);
  }

  /**
   * Opens access for the bot {@code config} describes.
   *
   * @param sleeper waits out {@code retry_after}
   * @throws IllegalArgumentException without a token, or with a base URL that has a path
   */
  public static BotApi open(TelegramConfig config, Sleeper sleeper) {
    Objects.requireNonNull(sleeper, "sleeper");
    if (config.botToken().isEmpty()) {
      throw new IllegalArgumentException("BOT_TOKEN is not set: the bot is off");
    }
    return new BotApi(config.botToken().reveal(), config.apiBaseUrl(), TelegramLimits.of(config),
        sleeper);
  }

  /** The limits of the Bot API server in use. */
  public TelegramLimits limits() {
    return limits;
  }

  /** The Bot API server's address, as shown in messages (scheme, host and port; no token). */
  public String baseUrl() {
    return base;
  }

  /** TelegramBots addresses a server by scheme, host and port only: refuse anything more. */
  static TelegramUrl telegramUrl(URI base) {
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    String path = base.getRawPath();
    if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null
        || !(path == null || path.isEmpty() || path.equals("/")) || base.getRawQuery() != null
        || base.getRawUserInfo() != null) {
      throw new IllegalArgumentException("TELEGRAM_API_BASE_URL must be scheme, host and port "
          + "only, e.g. https://api.telegram.org or http://127.0.0.1:8081: " + base);
    }
    int port = base.getPort() != -1 ? base.getPort() : scheme.equals("https") ? 443 : 80;
    return new TelegramUrl(scheme, base.getHost(), port, false);
  }

  /** How long to wait for the answer to a call that hands the server {@code bytes} to handle. */
  static Duration answerWait(long bytes) {
    return IDLE_TIMEOUT.plusSeconds(Math.max(0, bytes) >> 20);
  }

  /** Starts one method call on a TelegramBots client. */
  @FunctionalInterface
  interface Invocation<T> {
    CompletableFuture<T> start(OkHttpTelegramClient client) throws TelegramApiException;
  }

  /** Makes a call; waits out one 429 and makes it once more. */
  <T extends Serializable> T call(String method, Invocation<T> invocation)
      throws InterruptedException {
    return call(method, client, invocation);
  }

  /** Like {@link #call(String, Invocation)} on a client with its own answer wait. */
  <T extends Serializable> T call(String method, OkHttpTelegramClient on, Invocation<T> invocation)
      throws InterruptedException {
    try {
      return once(method, on, invocation);
    } catch (BotApiFailure f) {
      if (!waitOut(method, f)) {
        throw f;
      }
      return once(method, on, invocation);
    }
  }

  /**
   * Waits out a failure's {@code retry_after} if it asked for one and it is short; returns whether
   * it did (the caller then makes the call once more).
   */
  boolean waitOut(String method, BotApiFailure f) throws InterruptedException {
    Disposition d = f.disposition();
    if (d.kind() != Disposition.Kind.RETRY_AFTER || d.retryAfter().compareTo(MAX_INLINE_WAIT) > 0) {
      return false;
    }
    log.info("Telegram asked the bot to wait {} s before {} (429 Too Many Requests); waiting, then "
        + "trying once more", d.retryAfter().toSeconds(), Failures.doing(method));
    sleeper.sleep(d.retryAfter());
    return true;
  }

  /** Makes a call exactly once; an interrupt cancels it. */
  <T extends Serializable> T once(String method, OkHttpTelegramClient on, Invocation<T> invocation)
      throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    CallTracker.Attempt attempt = tracker.begin();
    CompletableFuture<T> future;
    try {
      future = invocation.start(on);
    } catch (TelegramApiException e) {
      throw failures.of(method, 0, e);
    } finally {
      tracker.end();
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      attempt.cancel();
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw failures.of(method, attempt.status(), e.getCause());
    }
  }

  /** The shared TelegramBots client. */
  OkHttpTelegramClient client() {
    return client;
  }

  /** A TelegramBots client on the shared connections that waits {@code answerWait} for answers. */
  OkHttpTelegramClient client(Duration answerWait) {
    return new OkHttpTelegramClient(json, http.newBuilder().readTimeout(answerWait).build(), token,
        url);
  }

  /**
   * Opens the download of a file from {@code {BASE}/file/bot<token>/<filePath>}; the caller reads
   * the body and closes the response, inside {@code watch} so an interrupt cancels the transfer.
   *
   * @throws BotApiFailure if no answer came, or an answer other than 200
   */
  Download download(String filePath) throws InterruptedException {
    HttpUrl fileUrl = new HttpUrl.Builder()
        .scheme(url.getSchema())
        .host(url.getHost())
        .port(url.getPort())
        .addPathSegment("file")
        .addPathSegment("bot" + token)
        .addPathSegments(filePath)
        .build();
    Call call = http.newCall(new Request.Builder().url(fileUrl).get().build());
    InterruptWatch watch = InterruptWatch.onInterrupt("telegram-interrupt-watch", call::cancel);
    try {
      Response response = call.execute();
      if (response.code() != 200) {
        int status = response.code();
        response.close();
        throw failures.download(status);
      }
      return new Download(response, watch);
    } catch (IOException e) {
      watch.close();
      if (Thread.interrupted()) {
        throw new InterruptedException("download cancelled");
      }
      throw failures.io("download", e);
    } catch (RuntimeException e) {
      watch.close();
      throw e;
    }
  }

  /** An open file download; closing it ends the transfer and the interrupt watch. */
  record Download(Response response, InterruptWatch watch) implements AutoCloseable {
    @Override
    public void close() {
      try {
        response.close();
      } finally {
        watch.close();
      }
    }
  }

  /** A client for long polling: the shared connection settings, its own dispatcher. */
  OkHttpClient.Builder pollingClient() {
    return http.newBuilder().eventListenerFactory(call -> okhttp3.EventListener.NONE)
        .dispatcher(new Dispatcher(callThreads));
  }

  String token() {
    return token;
  }

  TelegramUrl url() {
    return url;
  }

  Failures failures() {
    return failures;
  }

  Redactor redactor() {
    return redactor;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  @Override
  public void close() {
    http.dispatcher().cancelAll();
    callThreads.shutdown();
    http.connectionPool().evictAll();
    try {
      if (!callThreads.awaitTermination(5, TimeUnit.SECONDS)) {
        callThreads.shutdownNow();
      }
    } catch (InterruptedException e) {
      callThreads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "BotApi[" + base + (limits.localApi() ? ", local" : "") + "]";
  }
}
