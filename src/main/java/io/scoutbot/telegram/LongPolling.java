package io.scoutbot.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.interfaces.BackOff;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * {@link Updates} on TelegramBots' {@link TelegramBotsLongPollingApplication}, with what it lacks
 * added around it: its poll thread is a daemon ScoutBot names and stops, its HTTP client waits out
 * a 429's {@code retry_after} (the library would only back off), a token that stops working is
 * said once in plain words, its backoff never gives up, and closing is quiet. Thread-safe.
 */
final class LongPolling implements Updates {

  private static final Logger log = LoggerFactory.getLogger(LongPolling.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String NO_UPDATES = "{\"ok\":true,\"result\":[]}";

  private final BotApi api;
  private final Duration pollTimeout;
  private final AtomicBoolean tokenRefused = new AtomicBoolean();
  private final Object lock = new Object();
  private volatile boolean closing;
  private boolean started;
  private TelegramBotsLongPollingApplication app;
  private ScheduledExecutorService poller;
  private OkHttpClient client;
  private OkHttpClient network;
  private volatile Call inFlight;

  LongPolling(BotApi api, Duration pollTimeout) {
    if (pollTimeout.isNegative() || pollTimeout.toSeconds() > 600) {
      throw new IllegalArgumentException("pollTimeout must be 0 to 600 s: " + pollTimeout);
    }
    this.api = api;
    this.pollTimeout = pollTimeout;
  }

  @Override
  public BotIdentity start(List<BotCommand> commands, Consumer<Incoming> handler)
      throws InterruptedException {
    synchronized (lock) {
      if (started || closing) {
        throw new IllegalStateException(closing ? "updates were closed" : "updates were started");
      }
      started = true;
    }
    User me;
    try {
      me = prepare(commands);
    } catch (InterruptedException | RuntimeException e) {
      synchronized (lock) {
        started = false; // nothing polls yet: the caller may start again once the network is up
      }
      throw e;
    }

    int seconds = (int) pollTimeout.toSeconds();
    synchronized (lock) {
      if (closing) {
        throw new InterruptedException("closed while starting");
      }
      // the guard makes each poll on a call of its own client, which close() cancels: cancelling
      // the library's call would make it log an error and back off
      network = api.pollingClient().readTimeout(pollTimeout.plusSeconds(15)).build();
      client = network.newBuilder().addInterceptor(this::guard).build();
      poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "telegram-updates");
        t.setDaemon(true);
        return t;
      });
      app = new TelegramBotsLongPollingApplication(ObjectMapper::new, () -> client, () -> poller,
          PollBackOff::new);
      try {
        app.registerBot(api.token(), api::url,
            last -> GetUpdates.builder().offset(last + 1).limit(100).timeout(seconds)
                .allowedUpdates(List.of("message", "callback_query")).build(),
            updates -> deliver(updates, handler));
      } catch (TelegramApiException e) {
        stop();
        app = null;
        poller = null;
        started = false;
        throw api.failures().of("deletewebhook", 0, e);
      }
    }
    BotIdentity identity = new BotIdentity(me.getId(), me.getUserName());
    log.info("Telegram bot @{} is receiving updates from {} (long polling, {} s per poll)",
        identity.username(), api.baseUrl(), seconds);
    return identity;
  }

  /** Checks the token, removes any webhook and registers the menu; polls nothing yet. */
  private User prepare(List<BotCommand> commands) throws InterruptedException {
    User me = api.call("getme", c -> c.executeAsync(new GetMe()));
    api.call("deletewebhook", c -> c.executeAsync(new DeleteWebhook()));
    List<org.telegram.telegrambots.meta.api.objects.commands.BotCommand> menu = commands.stream()
        .map(c -> new org.telegram.telegrambots.meta.api.objects.commands.BotCommand(
            c.command(), c.description()))
        .toList();
    if (!menu.isEmpty()) {
      api.call("setmycommands",
          c -> c.executeAsync(SetMyCommands.builder().commands(menu).build()));
    }
    return me;
  }

  private void deliver(List<Update> updates, Consumer<Incoming> handler) {
    for (Update u : updates) {
      if (closing) {
        return;
      }
      Incoming in;
      try {
        in = UpdateMapper.map(u);
      } catch (RuntimeException e) {
        log.warn("Update {} could not be read ({}); it is skipped", u.getUpdateId(),
            api.redactor().scrub(e.toString()));
        continue;
      }
      if (in == null) {
        continue;
      }
      try {
        handler.accept(in);
      } catch (RuntimeException e) {
        // the library's poll task would die silently on an exception: never let one through
        log.error("Update {} was not handled ({}); it is skipped", u.getUpdateId(),
            api.redactor().scrub(e.toString()), api.redactor().scrub(e));
      }
    }
  }

  /** The poll client's interceptor: waits out 429s, words a refused token, closes quietly. */
  private Response guard(Interceptor.Chain chain) throws IOException {
    Request request = chain.request();
    boolean poll = request.url().encodedPath().endsWith("/getupdates");
    if (closing && poll) {
      return noUpdates(request);
    }
    Call call = network.newCall(request);
    inFlight = call;
    if (closing) {
      call.cancel();
    }
    Response r;
    try {
      r = call.execute();
    } catch (IOException e) {
      if (closing && poll) {
        return noUpdates(request);
      }
      throw e;
    } finally {
      inFlight = null;
    }
    if (r.code() == 429 && poll) {
      long after = retryAfter(r);
      r.close();
      log.warn("Telegram asked the bot to wait {} s before polling again (429 Too Many Requests); "
          + "waiting", after);
      try {
        api.sleeper().sleep(Duration.ofSeconds(after));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return noUpdates(request);
    }
    if (r.code() == 401 || r.code() == 404) {
      if (tokenRefused.compareAndSet(false, true)) {
        log.error("{}; polling goes on with backoff until it works again",
            api.failures().status("getupdates", r.code(), null).getMessage());
      }
    } else if (r.isSuccessful() && tokenRefused.compareAndSet(true, false)) {
      log.info("Telegram accepts the bot token again; receiving updates");
    }
    return r;
  }

  private static long retryAfter(Response r) {
    try {
      JsonNode body = new ObjectMapper().readTree(r.peekBody(16 << 10).string());
      long s = body.path("parameters").path("retry_after").asLong(1);
      return Math.max(1, Math.min(s, BotApi.MAX_INLINE_WAIT.toSeconds()));
    } catch (IOException e) {
      return 1;
    }
  }

  private static Response noUpdates(Request request) {
    return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(200)
        .message("OK").body(ResponseBody.create(NO_UPDATES, JSON)).build();
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closing) {
        return;
      }
      closing = true;
      stop();
    }
  }

  private void stop() {
    if (app != null) {
      try {
        app.close();
      } catch (Exception e) {
        log.debug("Closing the long polling application: {}", api.redactor().scrub(e.toString()));
      }
    }
    Call c = inFlight;
    if (c != null) {
      c.cancel();
    }
    if (poller != null) {
      poller.shutdown();
      try {
        if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
          poller.shutdownNow();
          log.warn("The Telegram update handler did not finish within 5 s of stopping; it was "
              + "interrupted");
        }
      } catch (InterruptedException e) {
        poller.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The library's backoff between failed polls, from 1 s up to 60 s with jitter; never stops. */
  static final class PollBackOff implements BackOff {
    private static final Backoff BACKOFF =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    private int attempt;

    @Override
    public synchronized void reset() {
      attempt = 0;
    }

    @Override
    public synchronized long nextBackOffMillis() {
      return BACKOFF.delay(attempt++, ThreadLocalRandom.current()::nextDouble).toMillis();
    }
  }
}
