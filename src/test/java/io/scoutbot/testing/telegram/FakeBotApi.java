package io.scoutbot.testing.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Telegram Bot API server for tests, written from {@code telegram-bot-api.md}: the peer of every
 * bot and delivery test. Thread-safe; requests run on virtual threads; binds to loopback only.
 *
 * <p><b>Addressing.</b> {@code /bot<token>/<method>} with the method name in any case, parameters
 * from the query string, a form, JSON or multipart; answers {@code {"ok":true,"result":…}} or {@code
 * {"ok":false,"error_code":N,"description":…}} (with {@code parameters.retry_after} on 429). A wrong
 * token gets 401 Unauthorized, an unknown method 404 Not Found. Files users sent are downloaded from
 * {@code /file/bot<token>/<file_path>}.
 *
 * <p><b>Methods.</b> getMe, deleteWebhook, setWebhook, getWebhookInfo, setMyCommands,
 * getMyCommands, getUpdates (long polling with offset, limit and timeout; a second concurrent poll
 * ends the first with 409 Conflict, as does an active webhook), sendMessage, editMessageText
 * (including "message is not modified"), deleteMessage, answerCallbackQuery, sendDocument and
 * sendVideo (multipart, the file part streamed to disk, never held in memory; by {@code attach://},
 * by part name, or by a known file_id), getFile. Text and captions in HTML parse mode are checked as
 * Telegram does ({@link TelegramHtml}) and against the 4096/1024-character limits.
 *
 * <p><b>Modes.</b> {@link Mode#CLOUD}: uploads up to 50 MB (413 Request Entity Too Large above),
 * getFile up to 20 MB (400 "Bad Request: file is too big" above), relative {@code file_path}s.
 * {@link Mode#LOCAL} ({@code telegram-bot-api --local}): uploads up to 2000 MB, getFile without a
 * limit, answering the file's absolute path on disk, and no downloads over HTTP.
 *
 * <p><b>Users.</b> Tests act as users through {@link #chat}: text, captions, documents, videos,
 * audio, photos, replies and button presses become updates with real (non-zero) dates.
 *
 * <p><b>Faults.</b> 429 with {@code retry_after} per method, any status and body once per method,
 * chats that blocked the bot, uploads held unread, downloads that stall or drop mid-body, and
 * overridden limits.
 */
public final class FakeBotApi implements AutoCloseable {

  /** Which server the fake plays. */
  public enum Mode {
    CLOUD,
    LOCAL
  }

  /** The cloud limits: 50 MB up, 20 MB down. */
  public static final long CLOUD_UPLOAD_LIMIT = 50L << 20;
  public static final long CLOUD_GETFILE_LIMIT = 20L << 20;
  /** A local server's upload limit: 2000 MB. */
  public static final long LOCAL_UPLOAD_LIMIT = 2000L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int IO_BUFFER = 1 << 20;
  private static final Set<String> MEDIA_FIELDS = Set.of("document", "video", "audio", "photo");

  private final Path dir;
  private final Mode mode;
  private final InstantSource clock;
  private final String token;
  private final long botId;
  private final String botUsername = "scoutbot_test_bot";
  private volatile long uploadLimit;
  private volatile long getFileLimit;

  private final Map<Long, ChatState> chats = new ConcurrentHashMap<>();
  private final Map<String, FakeFile> filesById = new ConcurrentHashMap<>();
  private final Map<String, FakeFile> filesByPath = new ConcurrentHashMap<>();
  private final Map<String, Callback> callbacks = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<SentFile> sent = new CopyOnWriteArrayList<>();
  private final List<CallbackAnswer> answers = new CopyOnWriteArrayList<>();
  private volatile List<Map<String, String>> commands = List.of();
  private volatile String webhook = "";
  private final Map<String, Queue<Fault>> faults = new ConcurrentHashMap<>();
  private final Set<Long> blocked = ConcurrentHashMap.newKeySet();
  private final AtomicLong fileSeq = new AtomicLong();
  private final AtomicLong uploadSeq = new AtomicLong();
  private final AtomicInteger callbackSeq = new AtomicInteger();

  private final ReentrantLock updatesLock = new ReentrantLock();
  private final Condition updatesChanged = updatesLock.newCondition();
  private final ArrayDeque<ObjectNode> pending = new ArrayDeque<>();
  private long nextUpdateId = 100_001;
  private long pollGeneration;
  private int polling;
  private boolean closed;

  private volatile long stallDownloadsAfter = -1;
  private volatile CountDownLatch stallUntil = new CountDownLatch(0);
  private volatile long dropDownloadsAfter = -1;
  private volatile CountDownLatch holdUploads = new CountDownLatch(0);
  private final AtomicInteger heldUploads = new AtomicInteger();

  private HttpServer server;
  private ExecutorService executor;

  /** A file Telegram holds: one a user sent, or one the bot uploaded. */
  public record FakeFile(String fileId, String fileUniqueId, String name, String mimeType,
      long size, Path path, String filePath) {}

  /** One method call as received: the lower-cased method and its text parameters. */
  public record Call(String method, Map<String, String> params, Instant at) {}

  /**
   * A file the bot sent.
   *
   * @param path where the fake stored the bytes (zero runs as holes)
   */
  public record SentFile(String method, long chatId, int messageId, String fileName, long size,
      String sha256, String caption, boolean supportsStreaming, String fileId, Path path) {}

  /** An answer to a button press. */
  public record CallbackAnswer(String callbackQueryId, String text, boolean alert) {}

  /**
   * A message the bot sent, as it stands now.
   *
   * @param text the markup as last sent
   * @param visibleText what the user reads
   * @param keyboard the inline keyboard's rows of {@code text -> callback data}, empty for none
   * @param edits how many times it was edited
   */
  public record BotMessage(int messageId, String text, String visibleText,
      List<Map<String, String>> keyboard, int edits, boolean deleted, Integer replyTo) {}

  private record Callback(String id, long chatId, long userId, int messageId, String data,
      boolean[] answered) {}

  private sealed interface Fault {}

  private record TooMany(int retryAfter) implements Fault {}

  private record Status(int status, String contentType, String body) implements Fault {}

  /** A private chat with one user, as the bot's test drives it. */
  private final class ChatState {
    final long id;
    final String firstName;
    final AtomicInteger messageIds = new AtomicInteger();
    final Map<Integer, Stored> messages = new ConcurrentHashMap<>();

    ChatState(long id, String firstName) {
      this.id = id;
      this.firstName = firstName;
    }
  }

  /** A message in a chat: the user's (json only) or the bot's (text, keyboard, edits). */
  private static final class Stored {
    final int id;
    final boolean fromBot;
    volatile ObjectNode json;
    volatile String text;
    volatile String visible;
    volatile String markup;
    volatile int edits;
    volatile boolean deleted;
    final Integer replyTo;

    Stored(int id, boolean fromBot, ObjectNode json, Integer replyTo) {
      this.id = id;
      this.fromBot = fromBot;
      this.json = json;
      this.replyTo = replyTo;
    }
  }

  private FakeBotApi(Path dir, Mode mode, InstantSource clock) {
    this.dir = dir;
    this.mode = mode;
    this.clock = clock;
    SecureRandom random = new SecureRandom();
    this.botId = 7_000_000_000L + random.nextInt(1_000_000);
    byte[] secret = new byte[26];
    random.nextBytes(secret);
    this.token = botId + ":AA" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    this.uploadLimit = mode == Mode.LOCAL ? LOCAL_UPLOAD_LIMIT : CLOUD_UPLOAD_LIMIT;
    this.getFileLimit = mode == Mode.LOCAL ? Long.MAX_VALUE : CLOUD_GETFILE_LIMIT;
  }

  /** Starts a fake on a free loopback port, keeping files under {@code dir}. */
  public static FakeBotApi start(Path dir, Mode mode) throws IOException {
    return start(dir, mode, InstantSource.system());
  }

  /** Like {@link #start(Path, Mode)}, with message dates from {@code clock}. */
  public static FakeBotApi start(Path dir, Mode mode, InstantSource clock) throws IOException {
    FakeBotApi f = new FakeBotApi(dir, mode, clock);
    Files.createDirectories(dir.resolve("uploads"));
    f.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    f.executor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("fake-bot-api-", 0).factory());
    f.server.setExecutor(f.executor);
    f.server.createContext("/", f::handle);
    f.server.start();
    return f;
  }

  // ---- setup

  /** The bot's token: the only one this server accepts. */
  public String token() {
    return token;
  }

  /** {@code http://127.0.0.1:<port>}, for TELEGRAM_API_BASE_URL. */
  public URI baseUrl() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
        + server.getAddress().getPort());
  }

  public Mode mode() {
    return mode;
  }

  public long botId() {
    return botId;
  }

  public String botUsername() {
    return botUsername;
  }

  /** Overrides the upload limit (413 above it), e.g. to test it with small files. */
  public FakeBotApi uploadLimit(long bytes) {
    this.uploadLimit = bytes;
    return this;
  }

  /** Overrides the getFile limit (400 "file is too big" above it). */
  public FakeBotApi getFileLimit(long bytes) {
    this.getFileLimit = bytes;
    return this;
  }

  /**
   * Registers a file as if a user had sent it: CLOUD serves {@code content} for download under a
   * relative path; LOCAL answers getFile with {@code content}'s absolute path.
   */
  public FakeFile addFile(Path content, String name, String mimeType) throws IOException {
    long n = fileSeq.incrementAndGet();
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
    String relative = "documents/file_" + n + ext;
    FakeFile f = new FakeFile("BQACAgIAAxkBAAI" + n + "x" + Long.toHexString(botId),
        "AgAD" + n, name, mimeType, Files.size(content), content.toAbsolutePath(),
        mode == Mode.LOCAL ? content.toAbsolutePath().toString() : relative);
    filesById.put(f.fileId(), f);
    filesByPath.put(relative, f);
    return f;
  }

  /** The private chat with user {@code userId}; the chat id is the user id, as in Telegram. */
  public UserChat chat(long userId, String firstName) {
    chats.computeIfAbsent(userId, id -> new ChatState(id, firstName));
    return new UserChat(userId);
  }

  // ---- faults

  /** The next {@code times} calls of {@code method} get 429 with {@code retry_after}. */
  public void tooManyRequests(String method, int times, int retryAfterSeconds) {
    for (int i = 0; i < times; i++) {
      fault(method).add(new TooMany(retryAfterSeconds));
    }
  }

  /**
   * The next call of {@code method} (or {@code "file"} for a download) gets this answer; the body
   * is sent as it is, so a proxy's HTML page or an empty body can be played.
   */
  public void failNext(String method, int status, String contentType, String body) {
    fault(method).add(new Status(status, contentType, body));
  }

  /** The user of {@code chatId} blocked the bot: sends get 403. */
  public void blockedBy(long chatId) {
    blocked.add(chatId);
  }

  /** Downloads send {@code bytes} and then stop sending until {@link #releaseStalls()}. */
  public void stallDownloadsAfter(long bytes) {
    stallUntil = new CountDownLatch(1);
    stallDownloadsAfter = bytes;
  }

  public void releaseStalls() {
    stallDownloadsAfter = -1;
    stallUntil.countDown();
  }

  /**
   * Sends of files stop being read until {@link #releaseUploads()}: the client's upload blocks as
   * a slow link would make it.
   */
  public void holdUploads() {
    holdUploads = new CountDownLatch(1);
  }

  public void releaseUploads() {
    holdUploads.countDown();
  }

  /** Uploads being held now. */
  public int heldUploads() {
    return heldUploads.get();
  }

  /** The next downloads send {@code bytes} and then drop the connection. */
  public void dropDownloadsAfter(long bytes) {
    dropDownloadsAfter = bytes;
  }

  /** A webhook is set: getUpdates gets 409 until deleteWebhook. */
  public void setWebhook(String url) {
    webhook = url;
  }

  private Queue<Fault> fault(String method) {
    return faults.computeIfAbsent(method.toLowerCase(Locale.ROOT),
        m -> new java.util.concurrent.ConcurrentLinkedQueue<>());
  }

  // ---- what the bot did

  /** Every method call, oldest first. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Calls of one method (any case), oldest first. */
  public List<Call> calls(String method) {
    String m = method.toLowerCase(Locale.ROOT);
    return calls.stream().filter(c -> c.method().equals(m)).toList();
  }

  public List<SentFile> sentFiles() {
    return List.copyOf(sent);
  }

  public List<CallbackAnswer> callbackAnswers() {
    return List.copyOf(answers);
  }

  /** The command list last registered, each {@code {command, description}}. */
  public List<Map<String, String>> commands() {
    return commands;
  }

  public String webhook() {
    return webhook;
  }

  /** The bot's messages in a chat, oldest first, deleted ones included. */
  public List<BotMessage> botMessages(long chatId) {
    ChatState c = chats.get(chatId);
    if (c == null) {
      return List.of();
    }
    return c.messages.values().stream()
        .filter(s -> s.fromBot)
        .sorted(java.util.Comparator.comparingInt(s -> s.id))
        .map(s -> new BotMessage(s.id, s.text, s.visible, keyboard(s.markup), s.edits, s.deleted,
            s.replyTo))
        .toList();
  }

  /** Updates pushed but not yet confirmed by a poll with a higher offset. */
  public int pendingUpdates() {
    updatesLock.lock();
    try {
      return pending.size();
    } finally {
      updatesLock.unlock();
    }
  }

  // ---- users

  /** What one user does in their private chat with the bot. Thread-safe. */
  public final class UserChat {
    private final long userId;

    private UserChat(long userId) {
      this.userId = userId;
    }

    public long id() {
      return userId;
    }

    /** Sends a text message; returns its message id. */
    public int text(String text) {
      ObjectNode m = userMessage(null);
      m.put("text", text);
      addCommandEntity(m, "text", text);
      return push(m);
    }

    /** Sends a text message replying to {@code messageId}. */
    public int reply(String text, int messageId) {
      ObjectNode m = userMessage(messageId);
      m.put("text", text);
      addCommandEntity(m, "text", text);
      return push(m);
    }

    /** Sends a file as a document, with an optional caption. */
    public int document(FakeFile f, String caption) {
      ObjectNode m = userMessage(null);
      ObjectNode d = m.putObject("document");
      fileFields(d, f);
      d.put("file_name", f.name());
      d.put("mime_type", f.mimeType());
      caption(m, caption);
      return push(m);
    }

    /** Sends a video (compressed by the client: no original bytes). */
    public int video(FakeFile f, String caption) {
      ObjectNode m = userMessage(null);
      ObjectNode v = m.putObject("video");
      fileFields(v, f);
      v.put("width", 1280).put("height", 720).put("duration", 12);
      v.put("file_name", f.name());
      v.put("mime_type", f.mimeType());
      caption(m, caption);
      return push(m);
    }

    /** Sends an audio file. */
    public int audio(FakeFile f, String caption) {
      ObjectNode m = userMessage(null);
      ObjectNode a = m.putObject("audio");
      fileFields(a, f);
      a.put("duration", 180);
      a.put("file_name", f.name());
      a.put("mime_type", f.mimeType());
      caption(m, caption);
      return push(m);
    }

    /** Sends a photo (Telegram keeps several sizes; this one lists a thumbnail and the file). */
    public int photo(FakeFile f, String caption) {
      ObjectNode m = userMessage(null);
      ArrayNode sizes = m.putArray("photo");
      ObjectNode small = sizes.addObject();
      small.put("file_id", f.fileId() + "s").put("file_unique_id", f.fileUniqueId() + "s")
          .put("width", 90).put("height", 60).put("file_size", 1200);
      ObjectNode large = sizes.addObject();
      fileFields(large, f);
      large.put("width", 1280).put("height", 853);
      caption(m, caption);
      return push(m);
    }

    /** Presses a button under the bot's message {@code messageId}; returns the callback id. */
    public String press(int messageId, String data) {
      ChatState c = chats.get(userId);
      Stored s = c.messages.get(messageId);
      if (s == null || !s.fromBot) {
        throw new IllegalArgumentException("no bot message " + messageId + " in chat " + userId);
      }
      String id = Long.toString(botId % 100_000) + "0000" + callbackSeq.incrementAndGet();
      callbacks.put(id, new Callback(id, userId, userId, messageId, data, new boolean[1]));
      ObjectNode q = JSON.createObjectNode();
      q.put("id", id);
      q.set("from", user());
      q.set("message", s.json.deepCopy());
      q.put("chat_instance", "-" + (userId * 31));
      q.put("data", data);
      ObjectNode u = JSON.createObjectNode();
      u.set("callback_query", q);
      enqueue(u);
      return id;
    }

    private ObjectNode userMessage(Integer replyTo) {
      ChatState c = chats.get(userId);
      int id = c.messageIds.incrementAndGet();
      ObjectNode m = JSON.createObjectNode();
      m.put("message_id", id);
      m.set("from", user());
      m.set("chat", chat(c));
      m.put("date", now());
      if (replyTo != null) {
        Stored r = c.messages.get(replyTo);
        if (r != null) {
          m.set("reply_to_message", r.json.deepCopy());
        }
      }
      c.messages.put(id, new Stored(id, false, m, replyTo));
      return m;
    }

    private ObjectNode user() {
      ChatState c = chats.get(userId);
      ObjectNode u = JSON.createObjectNode();
      u.put("id", userId).put("is_bot", false).put("first_name", c.firstName)
          .put("language_code", "en");
      return u;
    }

    private int push(ObjectNode message) {
      ObjectNode u = JSON.createObjectNode();
      u.set("message", message);
      enqueue(u);
      return message.get("message_id").asInt();
    }

    private void caption(ObjectNode m, String caption) {
      if (caption != null) {
        m.put("caption", caption);
        addCommandEntity(m, "caption", caption);
      }
    }
  }

  private static void fileFields(ObjectNode n, FakeFile f) {
    n.put("file_id", f.fileId());
    n.put("file_unique_id", f.fileUniqueId());
    n.put("file_size", f.size());
  }

  /** Telegram marks a leading /command with a bot_command entity. */
  private static void addCommandEntity(ObjectNode m, String field, String text) {
    if (text.startsWith("/")) {
      int end = text.indexOf(' ');
      int length = end < 0 ? text.length() : end;
      ObjectNode e = m.putArray(field.equals("text") ? "entities" : "caption_entities")
          .addObject();
      e.put("type", "bot_command").put("offset", 0).put("length", length);
    }
  }

  private void enqueue(ObjectNode update) {
    updatesLock.lock();
    try {
      update.put("update_id", nextUpdateId++);
      pending.add(update);
      updatesChanged.signalAll();
    } finally {
      updatesLock.unlock();
    }
  }

  private long now() {
    long s = clock.instant().getEpochSecond();
    return s > 0 ? s : 1; // a date of 0 marks an inaccessible message for TelegramBots
  }

  // ---- HTTP

  /** Thrown to drop the connection without an answer: the JDK server then closes the socket. */
  private static final class Drop extends RuntimeException {
    Drop(String why) {
      super(why, null, false, false);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      handleExchange(ex);
      ex.close();
    } catch (IOException e) {
      // the client went away: nothing to answer
      ex.close();
    }
  }

  private void handleExchange(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    if (path.startsWith("/file/bot")) {
      download(ex, path.substring("/file/bot".length()));
      return;
    }
    if (!path.startsWith("/bot")) {
      drain(ex);
      error(ex, 404, "Not Found", null);
      return;
    }
    String rest = path.substring(4);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      drain(ex);
      error(ex, 404, "Not Found", null);
      return;
    }
    String tokenPart = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
    String method = rest.substring(slash + 1).toLowerCase(Locale.ROOT);
    if (!tokenPart.equals(token)) {
      drain(ex);
      error(ex, 401, "Unauthorized", null);
      return;
    }
    if (method.equals("senddocument") || method.equals("sendvideo")) {
      heldUploads.incrementAndGet();
      try {
        holdUploads.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new Drop("interrupted");
      } finally {
        heldUploads.decrementAndGet();
      }
    }
    Request req = parse(ex);
    calls.add(new Call(method, Map.copyOf(req.params), clock.instant()));
    Fault fault = faults.getOrDefault(method, new ArrayDeque<>()).poll();
    if (fault != null) {
      req.deleteUploads();
      answerFault(ex, fault);
      return;
    }
    if (req.tooLarge) {
      req.deleteUploads();
      error(ex, 413, "Request Entity Too Large", null);
      return;
    }
    try {
      JsonNode result = dispatch(method, req);
      if (result == null) {
        error(ex, 404, "Not Found", null);
      } else {
        ObjectNode ok = JSON.createObjectNode();
        ok.put("ok", true);
        ok.set("result", result);
        send(ex, 200, ok);
      }
    } catch (ApiError e) {
      req.deleteUploads();
      error(ex, e.code, e.getMessage(), null);
    }
  }

  private JsonNode dispatch(String method, Request r) throws ApiError, IOException {
    return switch (method) {
      case "getme" -> me();
      case "deletewebhook" -> {
        webhook = "";
        if ("true".equals(r.params.get("drop_pending_updates"))) {
          updatesLock.lock();
          try {
            pending.clear();
          } finally {
            updatesLock.unlock();
          }
        }
        yield JSON.getNodeFactory().booleanNode(true);
      }
      case "setwebhook" -> {
        webhook = r.required("url");
        yield JSON.getNodeFactory().booleanNode(true);
      }
      case "getwebhookinfo" -> {
        ObjectNode info = JSON.createObjectNode();
        info.put("url", webhook).put("has_custom_certificate", false)
            .put("pending_update_count", pendingUpdates());
        yield info;
      }
      case "setmycommands" -> setCommands(r);
      case "getmycommands" -> JSON.valueToTree(commands);
      case "getupdates" -> getUpdates(r);
      case "sendmessage" -> sendMessage(r);
      case "editmessagetext" -> editMessageText(r);
      case "deletemessage" -> deleteMessage(r);
      case "answercallbackquery" -> answerCallback(r);
      case "senddocument" -> sendFile("senddocument", "document", r);
      case "sendvideo" -> sendFile("sendvideo", "video", r);
      case "getfile" -> getFile(r);
      default -> null;
    };
  }

  private ObjectNode me() {
    ObjectNode u = JSON.createObjectNode();
    u.put("id", botId).put("is_bot", true).put("first_name", "ScoutBot Test")
        .put("username", botUsername).put("can_join_groups", true)
        .put("can_read_all_group_messages", false).put("supports_inline_queries", false);
    return u;
  }

  private JsonNode setCommands(Request r) throws ApiError, IOException {
    JsonNode list = JSON.readTree(r.required("commands"));
    List<Map<String, String>> out = new ArrayList<>();
    for (JsonNode c : list) {
      String name = c.path("command").asText();
      String description = c.path("description").asText();
      if (!name.matches("[a-z0-9_]{1,32}")) {
        throw new ApiError(400, "Bad Request: BOT_COMMAND_INVALID");
      }
      if (description.isEmpty() || description.length() > 256) {
        throw new ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID");
      }
      out.add(Map.of("command", name, "description", description));
    }
    commands = List.copyOf(out);
    return JSON.getNodeFactory().booleanNode(true);
  }

  private JsonNode getUpdates(Request r) throws ApiError {
    long offset = r.longParam("offset", 0);
    int limit = (int) Math.max(1, Math.min(100, r.longParam("limit", 100)));
    long timeout = Math.max(0, r.longParam("timeout", 0));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
    updatesLock.lock();
    try {
      if (!webhook.isEmpty()) {
        throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
            + "use deleteWebhook to delete the webhook first");
      }
      long generation = ++pollGeneration;
      updatesChanged.signalAll();
      confirm(offset);
      polling++;
      try {
        while (pending.isEmpty() && !closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || pollGeneration != generation) {
            break;
          }
          updatesChanged.awaitNanos(left);
          confirm(offset);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        polling--;
      }
      if (pollGeneration != generation) {
        throw new ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
            + "that only one bot instance is running");
      }
      ArrayNode out = JSON.createArrayNode();
      Iterator<ObjectNode> it = pending.iterator();
      while (it.hasNext() && out.size() < limit) {
        out.add(it.next().deepCopy());
      }
      return out;
    } finally {
      updatesLock.unlock();
    }
  }

  /** Forgets updates below {@code offset}; a negative offset keeps only the last -offset. */
  private void confirm(long offset) {
    if (offset < 0) {
      while (pending.size() > -offset) {
        pending.poll();
      }
      return;
    }
    while (!pending.isEmpty() && pending.peek().get("update_id").asLong() < offset) {
      pending.poll();
    }
  }

  private JsonNode sendMessage(Request r) throws ApiError, IOException {
    ChatState c = chatFor(r);
    String text = r.required("text");
    if (text.isEmpty()) {
      throw new ApiError(400, "Bad Request: message text is empty");
    }
    String visible = visible(r, text);
    if (visible.length() > 4096) {
      throw new ApiError(400, "Bad Request: message is too long");
    }
    if (visible.isBlank()) {
      throw new ApiError(400, "Bad Request: message text is empty");
    }
    String markup = markup(r);
    Integer replyTo = replyTo(r);
    int id = c.messageIds.incrementAndGet();
    ObjectNode m = botMessage(c, id);
    m.put("text", visible);
    if (markup != null) {
      m.set("reply_markup", JSON.readTree(markup));
    }
    Stored s = new Stored(id, true, m, replyTo);
    s.text = text;
    s.visible = visible;
    s.markup = markup;
    c.messages.put(id, s);
    return m;
  }

  private JsonNode editMessageText(Request r) throws ApiError, IOException {
    ChatState c = chatFor(r);
    int id = (int) r.longParam("message_id", -1);
    Stored s = c.messages.get(id);
    if (s == null || s.deleted) {
      throw new ApiError(400, "Bad Request: message to edit not found");
    }
    if (!s.fromBot) {
      throw new ApiError(400, "Bad Request: message can't be edited");
    }
    String text = r.required("text");
    String visible = visible(r, text);
    if (visible.length() > 4096) {
      throw new ApiError(400, "Bad Request: MESSAGE_TOO_LONG");
    }
    if (visible.isBlank()) {
      throw new ApiError(400, "Bad Request: message text is empty");
    }
    String markup = markup(r);
    if (text.equals(s.text) && sameKeyboard(markup, s.markup)) {
      throw new ApiError(400, "Bad Request: message is not modified: specified new message "
          + "content and reply markup are exactly the same as a current content and reply markup "
          + "of the message");
    }
    ObjectNode m = s.json.deepCopy();
    m.put("text", visible);
    m.put("edit_date", now());
    m.remove("reply_markup");
    if (markup != null) {
      m.set("reply_markup", JSON.readTree(markup));
    }
    s.json = m;
    s.text = text;
    s.visible = visible;
    s.markup = markup;
    s.edits++;
    return m;
  }

  private JsonNode deleteMessage(Request r) throws ApiError {
    ChatState c = chatFor(r);
    Stored s = c.messages.get((int) r.longParam("message_id", -1));
    if (s == null || s.deleted) {
      throw new ApiError(400, "Bad Request: message to delete not found");
    }
    s.deleted = true;
    return JSON.getNodeFactory().booleanNode(true);
  }

  private JsonNode answerCallback(Request r) throws ApiError {
    Callback cb = callbacks.get(r.required("callback_query_id"));
    if (cb == null || cb.answered()[0]) {
      throw new ApiError(400, "Bad Request: query is too old and response timeout expired or "
          + "query ID is invalid");
    }
    String text = r.params.get("text");
    if (text != null && text.length() > 200) {
      throw new ApiError(400, "Bad Request: MESSAGE_TOO_LONG");
    }
    cb.answered()[0] = true;
    answers.add(new CallbackAnswer(cb.id(), text, "true".equals(r.params.get("show_alert"))));
    return JSON.getNodeFactory().booleanNode(true);
  }

  private JsonNode sendFile(String method, String field, Request r) throws ApiError, IOException {
    ChatState c = chatFor(r);
    String ref = r.uploads.containsKey(field) ? "" : r.required(field);
    Upload up;
    FakeFile reused = null;
    if (ref.startsWith("attach://")) {
      up = r.uploads.get(ref.substring("attach://".length()));
      if (up == null) {
        throw new ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified");
      }
    } else {
      up = r.uploads.get(field);
      if (up == null) {
        reused = filesById.get(ref);
        if (reused == null) {
          throw new ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified");
        }
      }
    }
    String caption = r.params.get("caption");
    String visibleCaption = caption == null ? null : visible(r, caption);
    if (visibleCaption != null && visibleCaption.length() > 1024) {
      throw new ApiError(400, "Bad Request: message caption is too long");
    }
    Integer replyTo = replyTo(r);
    FakeFile f = reused;
    String sha = null;
    if (up != null) {
      if (up.size == 0) {
        throw new ApiError(400, "Bad Request: file must be non-empty");
      }
      long n = fileSeq.incrementAndGet();
      String name = up.filename == null ? "file" : up.filename;
      f = new FakeFile("BQACAgIAAxkDAAI" + n + "b" + Long.toHexString(botId), "AgAD" + n + "b",
          name, mimeFor(name, field), up.size, up.path,
          mode == Mode.LOCAL ? up.path.toString() : field + "s/file_" + n);
      filesById.put(f.fileId(), f);
      filesByPath.put(field + "s/file_" + n, f);
      sha = up.sha256;
    }
    int id = c.messageIds.incrementAndGet();
    ObjectNode m = botMessage(c, id);
    ObjectNode media = m.putObject(field);
    fileFields(media, f);
    media.put("file_name", f.name());
    media.put("mime_type", f.mimeType());
    if (field.equals("video")) {
      media.put("width", 1280).put("height", 720).put("duration", 1);
    }
    if (visibleCaption != null) {
      m.put("caption", visibleCaption);
    }
    Stored s = new Stored(id, true, m, replyTo);
    s.text = caption;
    s.visible = visibleCaption;
    c.messages.put(id, s);
    sent.add(new SentFile(method, c.id, id, f.name(), f.size(), sha, visibleCaption,
        "true".equals(r.params.get("supports_streaming")), f.fileId(), f.path()));
    return m;
  }

  private JsonNode getFile(Request r) throws ApiError {
    FakeFile f = filesById.get(r.required("file_id"));
    if (f == null) {
      throw new ApiError(400, "Bad Request: invalid file_id");
    }
    if (f.size() > getFileLimit) {
      throw new ApiError(400, "Bad Request: file is too big");
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("file_id", f.fileId()).put("file_unique_id", f.fileUniqueId())
        .put("file_size", f.size()).put("file_path", f.filePath());
    return out;
  }

  private void download(HttpExchange ex, String rest) throws IOException {
    drain(ex);
    int slash = rest.indexOf('/');
    Fault fault = faults.getOrDefault("file", new ArrayDeque<>()).poll();
    if (fault != null) {
      answerFault(ex, fault);
      return;
    }
    if (mode == Mode.LOCAL || slash < 0) {
      error(ex, 404, "Not Found", null);
      return;
    }
    if (!rest.substring(0, slash).equals(token)) {
      error(ex, 401, "Unauthorized", null);
      return;
    }
    FakeFile f = filesByPath.get(URLDecoder.decode(rest.substring(slash + 1),
        StandardCharsets.UTF_8));
    if (f == null || !Files.exists(f.path())) {
      error(ex, 404, "Not Found", null);
      return;
    }
    calls.add(new Call("file", Map.of("file_path", f.filePath()), clock.instant()));
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    ex.sendResponseHeaders(200, f.size() == 0 ? -1 : f.size());
    long stallAt = stallDownloadsAfter;
    long dropAt = dropDownloadsAfter;
    try (InputStream in = Files.newInputStream(f.path()); OutputStream out = ex.getResponseBody()) {
      byte[] buf = new byte[IO_BUFFER];
      long done = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        long stop = Math.min(stallAt < 0 ? Long.MAX_VALUE : stallAt,
            dropAt < 0 ? Long.MAX_VALUE : dropAt);
        if (done + n > stop) {
          out.write(buf, 0, (int) (stop - done));
          out.flush();
          if (dropAt >= 0 && stop == dropAt) {
            dropDownloadsAfter = -1;
            throw new Drop("dropping the download on purpose");
          }
          try {
            stallUntil.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new Drop("stalled download ended");
        }
        out.write(buf, 0, n);
        done += n;
      }
    }
  }

  // ---- requests

  /** A parsed request: text parameters, and file parts already on disk. */
  private final class Request {
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, Upload> uploads = new HashMap<>();
    boolean tooLarge;

    String required(String name) throws ApiError {
      String v = params.get(name);
      if (v == null) {
        throw new ApiError(400, "Bad Request: " + name + " is empty");
      }
      return v;
    }

    long longParam(String name, long dflt) throws ApiError {
      String v = params.get(name);
      if (v == null || v.isEmpty()) {
        return dflt;
      }
      try {
        return Long.parseLong(v.strip());
      } catch (NumberFormatException e) {
        throw new ApiError(400, "Bad Request: invalid " + name + " specified");
      }
    }

    void deleteUploads() {
      for (Upload u : uploads.values()) {
        try {
          Files.deleteIfExists(u.path);
        } catch (IOException e) {
          // a test's temp dir goes anyway
        }
      }
    }
  }

  private record Upload(String filename, Path path, long size, String sha256) {}

  private Request parse(HttpExchange ex) throws IOException {
    Request r = new Request();
    String query = ex.getRequestURI().getRawQuery();
    if (query != null) {
      form(query, r.params);
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
    InputStream body = ex.getRequestBody();
    if (lower.startsWith("application/json")) {
      JsonNode n = JSON.readTree(body.readNBytes(1 << 20));
      if (n != null && n.isObject()) {
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          r.params.put(e.getKey(),
              e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
      }
    } else if (lower.startsWith("application/x-www-form-urlencoded")) {
      form(new String(body.readNBytes(1 << 20), StandardCharsets.UTF_8), r.params);
    } else if (lower.startsWith("multipart/form-data")) {
      multipart(body, MultipartReader.boundary(type), r);
    }
    body.transferTo(OutputStream.nullOutputStream());
    return r;
  }

  private static void form(String text, Map<String, String> into) {
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      into.put(URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
  }

  private void multipart(InputStream body, String boundary, Request r) throws IOException {
    if (boundary == null) {
      return;
    }
    MultipartReader reader = new MultipartReader(body, boundary);
    MultipartReader.Part part;
    while ((part = reader.next()) != null) {
      if (part.filename() == null) {
        byte[] value = part.body().readNBytes(1 << 20);
        r.params.put(part.name(), new String(value, StandardCharsets.UTF_8));
        continue;
      }
      Path to = dir.resolve("uploads").resolve("upload-" + uploadSeq.incrementAndGet());
      long[] size = new long[1];
      String sha = store(part.body(), to, uploadLimit, size);
      if (sha == null) {
        r.tooLarge = true;
      } else {
        r.uploads.put(part.name(), new Upload(part.filename(), to, size[0], sha));
      }
    }
  }

  /**
   * Streams a file part to {@code to} through one buffer, leaving zero runs as holes (so sparse
   * test files stay sparse); returns its SHA-256, or null when it passed {@code limit} (the rest is
   * drained and the file removed).
   */
  private static String store(InputStream in, Path to, long limit, long[] size)
      throws IOException {
    MessageDigest sha = sha256();
    byte[] buf = new byte[IO_BUFFER];
    long total = 0;
    boolean over = false;
    try (FileChannel ch = FileChannel.open(to, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      int n;
      while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
        if (over || total + n > limit) {
          over = true;
          total += n;
          continue;
        }
        sha.update(buf, 0, n);
        if (!zeros(buf, n)) {
          ch.write(ByteBuffer.wrap(buf, 0, n), total);
        }
        total += n;
      }
    }
    if (over) {
      Files.deleteIfExists(to);
      return null;
    }
    try (RandomAccessFile raf = new RandomAccessFile(to.toFile(), "rw")) {
      raf.setLength(total);
    }
    size[0] = total;
    return HexFormat.of().formatHex(sha.digest());
  }

  private static boolean zeros(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  // ---- answers

  private static final class ApiError extends Exception {
    final int code;

    ApiError(int code, String description) {
      super(description, null, false, false);
      this.code = code;
    }
  }

  private ChatState chatFor(Request r) throws ApiError {
    long id = r.longParam("chat_id", Long.MIN_VALUE);
    ChatState c = chats.get(id);
    if (c == null) {
      throw new ApiError(400, "Bad Request: chat not found");
    }
    if (blocked.contains(id)) {
      throw new ApiError(403, "Forbidden: bot was blocked by the user");
    }
    return c;
  }

  private static String visible(Request r, String text) throws ApiError {
    String mode = r.params.get("parse_mode");
    if (mode == null || mode.isEmpty()) {
      return text;
    }
    if (!mode.equalsIgnoreCase("HTML")) {
      throw new ApiError(400, "Bad Request: unsupported parse_mode");
    }
    try {
      return TelegramHtml.visibleText(text);
    } catch (TelegramHtml.Invalid e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  /** The inline keyboard, checked as Telegram does; null for none. */
  private static String markup(Request r) throws ApiError, IOException {
    String m = r.params.get("reply_markup");
    if (m == null || m.isEmpty()) {
      return null;
    }
    JsonNode n = JSON.readTree(m);
    JsonNode rows = n.path("inline_keyboard");
    if (!rows.isArray()) {
      return null;
    }
    for (JsonNode row : rows) {
      for (JsonNode b : row) {
        String data = b.path("callback_data").asText("");
        if (data.getBytes(StandardCharsets.UTF_8).length > 64 || data.isEmpty()) {
          throw new ApiError(400, "Bad Request: BUTTON_DATA_INVALID");
        }
        if (b.path("text").asText("").isEmpty()) {
          throw new ApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons "
              + "are unallowed in the inline keyboard");
        }
      }
    }
    return n.toString();
  }

  private static boolean sameKeyboard(String a, String b) throws IOException {
    List<Map<String, String>> ka = keyboard(a);
    return ka.equals(keyboard(b));
  }

  private static List<Map<String, String>> keyboard(String markup) {
    if (markup == null) {
      return List.of();
    }
    List<Map<String, String>> rows = new ArrayList<>();
    try {
      for (JsonNode row : JSON.readTree(markup).path("inline_keyboard")) {
        Map<String, String> buttons = new LinkedHashMap<>();
        for (JsonNode b : row) {
          buttons.put(b.path("text").asText(), b.path("callback_data").asText());
        }
        rows.add(buttons);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  private static Integer replyTo(Request r) throws IOException {
    String params = r.params.get("reply_parameters");
    if (params != null && !params.isEmpty()) {
      JsonNode n = JSON.readTree(params);
      return n.has("message_id") ? n.get("message_id").asInt() : null;
    }
    String id = r.params.get("reply_to_message_id");
    return id == null || id.isEmpty() ? null : Integer.valueOf(id.strip());
  }

  private ObjectNode botMessage(ChatState c, int id) {
    ObjectNode m = JSON.createObjectNode();
    m.put("message_id", id);
    m.set("from", me());
    m.set("chat", chat(c));
    m.put("date", now());
    return m;
  }

  private static ObjectNode chat(ChatState c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", c.id).put("type", "private").put("first_name", c.firstName);
    return n;
  }

  private static String mimeFor(String name, String field) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".mp4") || n.endsWith(".m4v")) {
      return "video/mp4";
    }
    if (n.endsWith(".mov")) {
      return "video/quicktime";
    }
    if (n.endsWith(".pdf")) {
      return "application/pdf";
    }
    if (n.endsWith(".txt")) {
      return "text/plain";
    }
    return field.equals("video") ? "video/mp4" : "application/octet-stream";
  }

  private void answerFault(HttpExchange ex, Fault fault) throws IOException {
    if (fault instanceof TooMany t) {
      ObjectNode n = JSON.createObjectNode();
      n.put("ok", false).put("error_code", 429)
          .put("description", "Too Many Requests: retry after " + t.retryAfter());
      n.putObject("parameters").put("retry_after", t.retryAfter());
      send(ex, 429, n);
    } else if (fault instanceof Status s) {
      byte[] b = s.body() == null ? new byte[0] : s.body().getBytes(StandardCharsets.UTF_8);
      if (s.contentType() != null) {
        ex.getResponseHeaders().set("Content-Type", s.contentType());
      }
      ex.sendResponseHeaders(s.status(), b.length == 0 ? -1 : b.length);
      ex.getResponseBody().write(b);
    }
  }

  private static void error(HttpExchange ex, int code, String description, ObjectNode params)
      throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("ok", false).put("error_code", code).put("description", description);
    if (params != null) {
      n.set("parameters", params);
    }
    send(ex, code, n);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static void drain(HttpExchange ex) throws IOException {
    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    updatesLock.lock();
    try {
      closed = true;
      updatesChanged.signalAll();
    } finally {
      updatesLock.unlock();
    }
    releaseStalls();
    releaseUploads();
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Runs the fake as a process: {@code FakeBotApi DIR [cloud|local]}; prints the base URL and the
   * token, then serves until killed.
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "fake-bot-api");
    Mode mode = args.length > 1 && args[1].equalsIgnoreCase("local") ? Mode.LOCAL : Mode.CLOUD;
    FakeBotApi f = start(dir, mode);
    System.out.println("TELEGRAM_API_BASE_URL=" + f.baseUrl());
    System.out.println("BOT_TOKEN=" + f.token());
    System.out.println("TELEGRAM_LOCAL_API=" + (mode == Mode.LOCAL));
    f.chat(1, "Operator");
    Thread.currentThread().join();
  }
}
