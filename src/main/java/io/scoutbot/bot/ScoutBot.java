package io.scoutbot.bot;

import io.scoutbot.config.TelegramConfig;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.FilePage;
import io.scoutbot.files.FileView;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.JobView;
import io.scoutbot.files.Sizes;
import io.scoutbot.files.Submission;
import io.scoutbot.files.Subscription;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.telegram.BotCommand;
import io.scoutbot.telegram.BotIdentity;
import io.scoutbot.telegram.CallbackAnswers;
import io.scoutbot.telegram.DeliveryRequest;
import io.scoutbot.telegram.FileDelivery;
import io.scoutbot.telegram.Html;
import io.scoutbot.telegram.Incoming;
import io.scoutbot.telegram.Keyboard;
import io.scoutbot.telegram.MessageRef;
import io.scoutbot.telegram.Messages;
import io.scoutbot.telegram.TelegramLimits;
import io.scoutbot.telegram.Updates;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Telegram bot: answers commands, turns files and links users send into jobs of the {@code
 * files} facade, and keeps each job's status message up to date. Thread-safe: updates arrive on
 * the polling thread and are each handled on a virtual thread of their own, so a long {@code
 * /storage download} never holds up other users; status edits run on the facade's event thread and
 * a ticker.
 *
 * <p>Access: a user outside ALLOWED_USER_ID gets one refusal line and nothing else; another user's
 * code reads exactly like a code that does not exist (the facade looks codes up per owner); {@code
 * /status} answers admins only and reads like an unknown command to everyone else.
 */
public final class ScoutBot implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ScoutBot.class);

  /** Files per {@code /storage list} page: 10 rows of at most ~200 characters fit 4096. */
  static final int PAGE_SIZE = 10;
  /** Jobs {@code /queue} shows. */
  static final int QUEUE_SHOWN = 15;
  /** Jobs that ended this recently get their last word again at start ({@link #catchUp}). */
  private static final Duration CATCH_UP = Duration.ofMinutes(10);
  private static final int CATCH_UP_JOBS = 200;
  /** How long {@link #close()} lets a command being handled finish. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  /** The menu registered with {@code setMyCommands}. */
  static final List<BotCommand> COMMANDS = List.of(
      new BotCommand("storage", "Store a file (send it with this caption), list and get files"),
      new BotCommand("download", "Fetch a link: small files here, large ones stored"),
      new BotCommand("mode", "Where /download puts files: auto, storage or chat"),
      new BotCommand("queue", "Your jobs with progress"),
      new BotCommand("cancel", "Cancel a job"),
      new BotCommand("help", "Every command"));

  /**
   * What the bot works with. Immutable.
   *
   * @param delivery sends files from storage back into chats (passes the gate and work limit)
   * @param workDir where {@code /storage download} puts a file while it is sent; what an earlier
   *     process left there is removed before the bot starts
   */
  public record Parts(FileDesk desk, Updates updates, Messages messages, CallbackAnswers answers,
      FileDelivery delivery, TelegramLimits limits, TelegramConfig config, Path workDir,
      InstantSource clock) {

    public Parts {
      Objects.requireNonNull(desk, "desk");
      Objects.requireNonNull(updates, "updates");
      Objects.requireNonNull(messages, "messages");
      Objects.requireNonNull(answers, "answers");
      Objects.requireNonNull(delivery, "delivery");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(workDir, "workDir");
      Objects.requireNonNull(clock, "clock");
    }
  }

  /**
   * How often things happen. Immutable.
   *
   * @param editEvery the least time between two edits of one status message (5 s, as Telegram
   *     advises and the original did)
   * @param tick how often waiting status texts are looked at; 0 for never (tests call {@link
   *     #flushStatus()})
   */
  public record Pace(Duration editEvery, Duration tick) {
    public static final Pace STANDARD = new Pace(Duration.ofSeconds(5), Duration.ofSeconds(1));
  }

  private final Parts p;
  private final Access access;
  private final StatusMessages status;
  private final Pace pace;
  private final ExecutorService handlers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bot-update-", 0).factory());
  private ScheduledExecutorService ticker;
  private Subscription events;
  private volatile boolean receiving;

  public ScoutBot(Parts parts, Pace pace) {
    this.p = parts;
    this.pace = pace;
    this.access = new Access(parts.config().allowedUserIds(), parts.config().adminUserIds());
    this.status = new StatusMessages(parts.messages(), parts.clock(), pace.editEvery(),
        j -> j.code() == null ? Optional.empty() : parts.desk().info(j.ownerId(),
            j.code()));
  }

  /**
   * Follows every bot job's events (those in flight from before a restart included), then starts
   * receiving updates.
   *
   * @throws io.scoutbot.telegram.BotApiFailure if the token is refused or the server cannot be
   *     reached; the caller may call again
   */
  public synchronized BotIdentity start() throws InterruptedException {
    if (events == null) {
      if (p.config().allowedUserIds().isEmpty()) {
        log.warn("ALLOWED_USER_ID is empty: every Telegram user may use this bot and store files"
            + " here; set it to your user ids to keep others out");
      }
      events = p.desk().subscribe(OptionalLong.empty(), Duration.ofSeconds(1), status);
      // in the background: up to a few hundred edits must not delay serve's start
      Thread.ofVirtual().name("bot-status-catch-up").start(this::catchUp);
      if (!pace.tick().isZero()) {
        ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bot-status-ticker").daemon().factory());
        ticker.scheduleWithFixedDelay(this::flushQuietly, pace.tick().toMillis(),
            pace.tick().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    BotIdentity me = p.updates().start(COMMANDS, in -> handlers.execute(() -> handle(in)));
    receiving = true;
    return me;
  }

  /** Whether updates are being received (started, and not closed). */
  public boolean receiving() {
    return receiving;
  }

  /**
   * Gives the jobs that ended shortly before this process started their last word: a process
   * stopped (or killed) within the edit interval after a job ended never showed it, and no event
   * will come for a finished job. Telegram ignores an edit that changes nothing.
   */
  private void catchUp() {
    Instant since = p.clock().instant().minus(CATCH_UP);
    List<JobView> jobs;
    try {
      jobs = p.desk().jobs(OptionalLong.empty(), CATCH_UP_JOBS);
    } catch (RuntimeException e) {
      log.warn("Could not read the jobs that ended before this start ({}); their status messages"
          + " keep their last text", e.getMessage());
      return;
    }
    for (JobView j : jobs) {
      if (!j.state().finished() || j.finishedAt() == null || j.finishedAt().isBefore(since)
          || StatusTag.parse(j.tag()).isEmpty()) {
        continue;
      }
      status.accept(switch (j.state()) {
        case COMPLETED -> j.delivered() ? new JobEvent.Delivered(j, null)
            : new JobEvent.Completed(j, null);
        case CANCELLED -> new JobEvent.Cancelled(j);
        default -> new JobEvent.Failed(j, j.lastError(), false);
      });
    }
  }

  /** Shows the status texts whose time has come (the ticker calls it every second). */
  void flushStatus() throws InterruptedException {
    status.flushDue();
  }

  private void flushQuietly() {
    try {
      status.flushDue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Updating status messages failed ({}); tried again in a second", e.toString());
    }
  }

  // ---------------------------------------------------------------- updates

  /** Handles one update to the end; the polling thread hands each to a thread of its own. */
  void handle(Incoming in) {
    try {
      switch (in) {
        case Incoming.Message m -> onMessage(m);
        case Incoming.Callback c -> onCallback(c);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Handling an update of user {} failed: {}", in.userId(), e.toString());
    }
  }

  private void onMessage(Incoming.Message m) throws InterruptedException {
    if (!access.allowed(m.userId())) {
      log.info("Refused user {} (not in ALLOWED_USER_ID)", m.userId());
      p.messages().reply(m.ref(), Replies.refusal(), Keyboard.NONE);
      return;
    }
    Command c = Command.parse(m.command());
    if (c == null) {
      if (m.attachment() != null) {
        reply(m, Html.text("To store this file, reply /storage to it."));
      }
      return;
    }
    try {
      switch (c.name()) {
        case "start" -> reply(m, Replies.start(m.userName()));
        case "help" -> reply(m, Replies.help(access.admin(m.userId())));
        case "storage" -> storage(m, c);
        case "download" -> download(m, c);
        case "mode" -> mode(m, c);
        case "queue" -> reply(m, Replies.jobs(p.desk().jobs(OptionalLong.of(m.userId()),
            QUEUE_SHOWN), p.clock().instant()));
        case "cancel" -> cancel(m, c);
        case "status" -> {
          if (access.admin(m.userId())) {
            reply(m, Replies.status(p.desk().status()));
          } else {
            reply(m, Replies.unknown(c.shown())); // reads exactly like a command that is not there
          }
        }
        default -> reply(m, Replies.unknown(c.shown()));
      }
    } catch (ScoutFailure f) {
      reply(m, Replies.failure(f.getMessage()));
    }
  }

  private void storage(Incoming.Message m, Command c) throws InterruptedException {
    Incoming.Attachment file = m.attachment() != null ? m.attachment()
        : m.replyTo() != null ? m.replyTo().attachment() : null;
    String sub = c.arg(0) == null ? null : c.arg(0).toLowerCase(Locale.ROOT);
    if (sub == null) {
      if (file != null) {
        store(m, file);
      } else {
        reply(m, Replies.storageHelp());
      }
      return;
    }
    switch (sub) {
      case "upload" -> {
        URI url = url(c.arg(1));
        if (url == null) {
          reply(m, Html.text("❌ Specify an http(s) URL: /storage upload <url>"));
          return;
        }
        submit(m, Submission.url(url), url.toString());
      }
      case "list" -> list(m, c.arg(1));
      case "download" -> withCode(m, c, "download", code -> sendBack(m, code));
      case "info" -> withCode(m, c, "info", code -> reply(m, Replies.info(found(m, code))));
      case "delete" -> withCode(m, c, "delete", code -> {
        FileView f = found(m, code);
        p.messages().reply(m.ref(), Replies.confirmDelete(f), Replies.deleteButtons(f.code()));
      });
      case "stats" -> reply(m, Replies.stats(p.desk().stats(m.userId())));
      default -> reply(m, Html.format("❌ Unknown: %s\nUse <code>/storage</code> to see what it"
          + " does.", sub));
    }
  }

  /** A step that needs a code argument. */
  @FunctionalInterface
  private interface CodeStep {
    void run(String code) throws InterruptedException;
  }

  private void withCode(Incoming.Message m, Command c, String sub, CodeStep step)
      throws InterruptedException {
    String code = c.arg(1);
    if (code == null) {
      reply(m, Replies.specifyCode(sub));
      return;
    }
    step.run(code.toUpperCase(Locale.ROOT));
  }

  /** The user's file {@code code}; another user's code fails exactly like an unknown one. */
  private FileView found(Incoming.Message m, String code) {
    return p.desk().info(m.userId(), code).orElseThrow(() -> FileDesk.notFound(code));
  }

  /** A file the user sent: stored as it is (documents, videos, audio); photos get a hint. */
  private void store(Incoming.Message m, Incoming.Attachment file) throws InterruptedException {
    if (file.kind() == Incoming.Kind.PHOTO) {
      reply(m, Html.text("📸 Telegram compresses photos, so the original is gone. Send it as a"
          + " file (📎 → File) with the caption /storage to store it as it is."));
      return;
    }
    String name = file.fileName() != null && !file.fileName().isBlank() ? file.fileName()
        : defaultName(file);
    if (file.size() >= 0 && !p.limits().canFetch(file.size())) {
      try {
        p.limits().checkFetch(name, file.size());
      } catch (ScoutFailure f) {
        reply(m, Replies.failure(f.getMessage()));
        return;
      }
    }
    submit(m, Submission.telegramFile(file.fileId(), name, file.size()), name);
  }

  private static String defaultName(Incoming.Attachment file) {
    String ext = switch (file.mimeType() == null ? "" : file.mimeType()) {
      case "video/mp4" -> ".mp4";
      case "video/quicktime" -> ".mov";
      case "audio/mpeg" -> ".mp3";
      case "audio/ogg" -> ".ogg";
      case "audio/mp4", "audio/x-m4a" -> ".m4a";
      default -> "";
    };
    return file.kind().name().toLowerCase(Locale.ROOT) + "_" + file.fileUniqueId() + ext;
  }

  /** {@code /download <url>}: fetched, then sent here or stored as the user's mode says. */
  private void download(Incoming.Message m, Command c) throws InterruptedException {
    URI url = url(c.arg(0));
    if (url == null) {
      reply(m, Html.text("❌ Specify an http(s) URL: /download <url>"));
      return;
    }
    submit(m, Submission.url(url).inChat(m.chatId(), p.desk().mode(m.userId())), url.toString());
  }

  /**
   * Sends the status message, then records the job tagged with it, so every event of the job —
   * in this process or the next — edits that message.
   */
  private void submit(Incoming.Message m, Submission s, String what) throws InterruptedException {
    Html first = Html.format("⏳ <b>%s</b>\nQueueing…", what);
    MessageRef message = p.messages().reply(m.ref(), first, Keyboard.NONE);
    status.sent(message, first);
    try {
      JobView job = p.desk().submit(m.userId(), s.tagged(StatusTag.of(message)));
      log.info("User {} queued job {} ({}) from the bot", m.userId(), job.id(), job.name());
    } catch (ScoutFailure f) {
      status.offer(message, Html.format("❌ <b>%s</b>\n%s", what, f.getMessage()), true);
    }
  }

  private void list(Incoming.Message m, String page) throws InterruptedException {
    int n = 1;
    if (page != null) {
      try {
        n = Integer.parseInt(page);
      } catch (NumberFormatException e) {
        reply(m, Html.text("❌ A page is a number: /storage list 2"));
        return;
      }
    }
    FilePage files = p.desk().page(m.userId(), n, PAGE_SIZE);
    p.messages().reply(m.ref(), Replies.page(files), Replies.pageButtons(files));
  }

  /** {@code /storage download}: from storage to a temp file, then into the chat. */
  private void sendBack(Incoming.Message m, String code) throws InterruptedException {
    FileView f = found(m, code);
    if (!f.stored()) {
      reply(m, Html.format("❌ %s (<code>%s</code>) is not stored yet: it is %s.", f.name(),
          f.code(), f.state().label()));
      return;
    }
    if (!p.limits().canSend(f.size())) {
      try {
        p.limits().checkSend(f.name(), f.size(), f.code());
      } catch (ScoutFailure e) {
        reply(m, Replies.failure(e.getMessage()));
        return;
      }
    }
    MessageRef progress = p.messages().reply(m.ref(),
        Html.format("⏳ Downloading <code>%s</code> (%s)…", f.name(), Sizes.human(f.size())),
        Keyboard.NONE);
    Path file = p.workDir().resolve("send-" + UUID.randomUUID());
    try {
      Files.createDirectories(p.workDir());
      p.desk().download(m.userId(), f.code(), file, bytes -> {});
      p.messages().edit(progress, Html.format("📤 Sending <code>%s</code>…", f.name()),
          Keyboard.NONE);
      p.delivery().deliver(new DeliveryRequest(m.chatId(), file, f.name(),
          Html.format("📦 Downloaded from storage\n🔖 Code: <code>%s</code>\n📊 Size: %s",
              f.code(), Sizes.human(f.size())), f.mimeType(), f.code(), m.ref()));
      p.messages().delete(progress);
    } catch (ScoutFailure e) {
      p.messages().edit(progress, Html.format("❌ Could not send <code>%s</code>: %s", f.name(),
          e.getMessage()), Keyboard.NONE);
    } catch (IOException e) {
      p.messages().edit(progress, Html.format("❌ Could not send <code>%s</code>: no room for a"
          + " temporary copy (%s)", f.name(), e.getMessage()), Keyboard.NONE);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("Could not remove the copy {} sent from storage ({}); it is removed when serve"
            + " next starts", file, e.toString());
      }
    }
  }

  private void mode(Incoming.Message m, Command c) throws InterruptedException {
    String word = c.arg(0);
    if (word == null) {
      reply(m, Replies.mode(p.desk().mode(m.userId())));
      return;
    }
    Submission.Mode mode;
    try {
      mode = Submission.Mode.valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      reply(m, Html.text("❌ The mode is auto, storage or chat: /mode auto"));
      return;
    }
    p.desk().setMode(m.userId(), mode);
    reply(m, Html.format("✅ From now on, /download puts files: <b>%s</b> — %s", mode.word(),
        Replies.modeMeaning(mode)));
  }

  private void cancel(Incoming.Message m, Command c) throws InterruptedException {
    String arg = c.arg(0);
    long id;
    try {
      id = Long.parseLong(arg == null ? "" : arg.replace("#", ""));
    } catch (NumberFormatException e) {
      reply(m, Html.text("❌ Name the job: /cancel 42 (/queue shows their numbers)"));
      return;
    }
    JobView j = p.desk().cancel(m.userId(), id);
    reply(m, j.state() == JobView.State.CANCELLED
        ? Html.format("🚫 Cancelled job #%d (%s).", j.id(), j.name())
        : Html.format("🚫 Stopping job #%d (%s); its message says when it has.", j.id(),
            j.name()));
  }

  private void onCallback(Incoming.Callback c) throws InterruptedException {
    if (!access.allowed(c.userId())) {
      p.answers().answer(c.id(), Replies.refusal().visibleText(), true);
      return;
    }
    String data = c.data();
    try {
      if (data.startsWith("list:") && c.message() != null) {
        FilePage files = p.desk().page(c.userId(), Integer.parseInt(data.substring(5)),
            PAGE_SIZE);
        p.messages().edit(c.message(), Replies.page(files), Replies.pageButtons(files));
        p.answers().answer(c.id(), null, false);
      } else if (data.startsWith("del:")) {
        edit(c, Replies.deleted(p.desk().remove(c.userId(), data.substring(4))));
        p.answers().answer(c.id(), "Deleted", false);
      } else if (data.equals("del-no")) {
        edit(c, Html.text("❌ Deletion cancelled."));
        p.answers().answer(c.id(), null, false);
      } else {
        p.answers().answer(c.id(), null, false);
      }
    } catch (ScoutFailure | NumberFormatException f) {
      String why = f instanceof ScoutFailure ? f.getMessage() : "that page does not exist";
      edit(c, Replies.failure(why));
      p.answers().answer(c.id(), null, false);
    }
  }

  private void edit(Incoming.Callback c, Html text) throws InterruptedException {
    if (c.message() != null) {
      p.messages().edit(c.message(), text, Keyboard.NONE);
    } else {
      p.messages().send(c.chatId(), text, Keyboard.NONE);
    }
  }

  private void reply(Incoming.Message m, Html text) throws InterruptedException {
    p.messages().reply(m.ref(), text, Keyboard.NONE);
  }

  /** An http(s) URL, or null. */
  static URI url(String text) {
    if (text == null) {
      return null;
    }
    try {
      URI u = new URI(text.strip());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null ? u : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** Stops receiving updates, lets commands being handled finish briefly, stops the edits. */
  @Override
  public synchronized void close() {
    receiving = false;
    p.updates().close();
    handlers.shutdown();
    try {
      if (!handlers.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        handlers.shutdownNow();
      }
    } catch (InterruptedException e) {
      handlers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (events != null) {
      events.close();
    }
  }
}
