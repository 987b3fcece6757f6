package io.scoutbot.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Builds the {@link ScoutConfig} from the process environment and a {@code .env} file in the working
 * directory (the environment wins). The only class that knows setting names and defaults; every bad
 * value is reported at once as a {@link ConfigException}. Stateless.
 */
public final class ConfigLoader {

  static final long MIB = 1024L * 1024L;
  private static final String CLOUD_BOT_API = "https://api.telegram.org";

  private ConfigLoader() {}

  /** Reads {@code workDir/.env}, overlays {@code env}, and validates the result. */
  public static ScoutConfig load(Map<String, String> env, Path workDir) {
    Map<String, String> merged = new HashMap<>(DotEnv.read(workDir.resolve(".env")));
    merged.putAll(env);
    return fromMap(merged, workDir);
  }

  /** Validates settings given as one map; relative paths resolve against {@code workDir}. */
  public static ScoutConfig fromMap(Map<String, String> settings, Path workDir) {
    return fromMap(new SettingsReader(settings), settings, workDir);
  }

  /**
   * As {@link #fromMap(Map, Path)}, reading through {@code r}, which keeps every effective value and
   * problem also when this throws (for {@link ConfigCheck}).
   */
  static ScoutConfig fromMap(SettingsReader r, Map<String, String> settings, Path workDir) {

    Path dataDir = workDir.resolve(r.text("DATA_DIR", "./data")).toAbsolutePath().normalize();
    Path tempDir =
        workDir.resolve(r.text("TMPFILE_PATH", dataDir.resolve("tmp").toString()))
            .toAbsolutePath()
            .normalize();
    String databaseUrl = r.text("DATABASE_URL", "jdbc:sqlite:" + dataDir.resolve("scoutbot.db"));
    // the URL may carry a password: only its redacted form is ever shown
    r.shown("DATABASE_URL", Redaction.url(databaseUrl));
    if (!databaseUrl.startsWith("jdbc:sqlite:") && !databaseUrl.startsWith("jdbc:postgresql:")) {
      r.problem("DATABASE_URL", Redaction.url(databaseUrl),
          "expected jdbc:sqlite:<file> or jdbc:postgresql://host:port/database");
    } else if (databaseUrl.startsWith("jdbc:postgresql:")
        && Redaction.hasUserinfoPassword(databaseUrl)) {
      // the PostgreSQL driver would read "user:password@host" as a host name and echo it
      r.problem("DATABASE_URL", Redaction.url(databaseUrl),
          "the PostgreSQL driver does not read user:password@ in the URL; use "
              + "jdbc:postgresql://host:port/database?user=NAME&password=SECRET");
    }
    String nodeId = r.text("NODE_ID", defaultNodeId(settings));
    if (nodeId.contains("/") || nodeId.chars().anyMatch(Character::isWhitespace)) {
      r.problem("NODE_ID", nodeId, "expected a host name: no '/' and no spaces");
      nodeId = "localhost";
    }

    ResourceConfig resource = resource(r);
    PentaractConfig pentaract = pentaract(r);
    TelegramConfig telegram = telegram(r);
    HttpConfig http = http(r);
    DownloadConfig download = download(r, workDir);
    QueueConfig queue =
        new QueueConfig(
            r.intValue("QUEUE_MAX_JOBS_PER_USER", 50, 1, 100_000),
            r.integer("QUEUE_MAX_BYTES_PER_USER_MB", 20_480, 1, 1L << 30) * MIB,
            r.intValue("QUEUE_MAX_RUNNING_PER_USER", 2, 1, 1000),
            // below ~15 s, heartbeats and dead-worker checks would hammer the database, and a
            // slow submission could lose its temp copy to the sweep's grace period
            Duration.ofSeconds(r.integer("QUEUE_LEASE_SECONDS", 60, 15, 86_400,
                "expected a whole number of seconds from 15 to 86400")),
            r.intValue("QUEUE_RETRY_ATTEMPTS", 5, 1, 1000),
            r.interval("QUEUE_POLL_SECONDS", 2, 3600, "seconds", Duration.ofSeconds(1)),
            r.interval("QUEUE_AGING_SECONDS", 600, 604_800, "seconds", Duration.ofSeconds(1)),
            Duration.ofDays(r.integer("QUEUE_KEEP_FINISHED_DAYS", 30, 0, 36_500,
                "expected a whole number of days from 0 (keep forever) to 36500")));
    String level = r.text("LOG_LEVEL", "info").toLowerCase(Locale.ROOT);
    // warning and critical are Python's names (the Python ScoutBot's .env files use them)
    if (!Set.of("trace", "debug", "info", "warn", "warning", "error", "critical", "off")
        .contains(level)) {
      r.problem("LOG_LEVEL", level,
          "expected one of trace, debug, info, warn, error, off (warning and critical also work)");
      level = "info";
    }
    String format = r.text("LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      r.problem("LOG_FORMAT", format, "expected text or json");
    }
    LogConfig log = new LogConfig(
        switch (level) {
          case "warning" -> "warn";
          case "critical" -> "error";
          default -> level;
        },
        format.equals("json"));
    SafetyConfig safety =
        new SafetyConfig(
            Set.copyOf(names(r, "SAFETY_BLOCKED_EXTENSIONS", SafetyConfig.DEFAULT_BLOCKED,
                "[a-z0-9]+", "expected comma-separated extensions such as exe,bat,sh (a leading"
                    + " dot is allowed), or none")),
            r.bool("SAFETY_CHECK_CONTENT", true));
    CleanupConfig cleanup =
        new CleanupConfig(
            r.interval("CLEANUP_MIN_AGE_MINUTES", 60, 10_080, "minutes", Duration.ofMinutes(1)));

    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new ScoutConfig(
        dataDir, tempDir, databaseUrl, nodeId, resource, pentaract, telegram, http, download,
        queue, log, safety, cleanup, r.effective());
  }

  private static DownloadConfig download(SettingsReader r, Path workDir) {
    long maxBytes = r.integer("DOWNLOAD_MAX_MB", 500, 1, 1_048_576) * MIB;
    boolean allowPrivate = r.bool("DOWNLOAD_ALLOW_PRIVATE_NETWORKS", false);
    Duration timeout =
        r.interval("DOWNLOAD_TIMEOUT", DownloadConfig.DEFAULT_TIMEOUT.toSeconds(), 3600, "seconds",
            Duration.ofSeconds(1));
    long minSpeed =
        r.integer("DOWNLOAD_MIN_BYTES_PER_SECOND", DownloadConfig.DEFAULT_MIN_BYTES_PER_SECOND, 0,
            1L << 30, "expected a whole number of bytes per second from 0 (no minimum) to "
                + (1L << 30));
    String ytDlp = r.text("DOWNLOAD_YTDLP", "");
    boolean ytDlpEnabled = !Set.of("off", "false", "no", "none").contains(
        ytDlp.toLowerCase(Locale.ROOT));
    Path ytDlpPath =
        ytDlpEnabled && !ytDlp.isEmpty() ? workDir.resolve(ytDlp).toAbsolutePath().normalize()
            : null;
    Duration ytDlpTimeout =
        r.interval("DOWNLOAD_YTDLP_TIMEOUT", DownloadConfig.DEFAULT_YTDLP_TIMEOUT.toSeconds(),
            86_400, "seconds", Duration.ofSeconds(1));
    List<String> hosts =
        names(r, "DOWNLOAD_YTDLP_HOSTS", DownloadConfig.DEFAULT_YTDLP_HOSTS,
            "[a-z0-9]([a-z0-9.-]*[a-z0-9])?",
            "expected comma-separated host names such as youtube.com,vimeo.com, or none");
    return new DownloadConfig(maxBytes, allowPrivate, timeout, minSpeed, ytDlpEnabled, ytDlpPath,
        ytDlpTimeout, hosts);
  }

  /**
   * A comma-separated list of lower-case names (a leading dot dropped), each matching {@code
   * pattern}; {@code none} is the empty list, unset the default.
   */
  private static List<String> names(SettingsReader r, String name, List<String> dflt,
      String pattern, String allowed) {
    String v = r.text(name, String.join(",", dflt));
    if (v.equalsIgnoreCase("none")) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      if (p.startsWith(".")) {
        p = p.substring(1);
      }
      if (p.isEmpty()) {
        continue;
      }
      if (!p.matches(pattern)) {
        r.problem(name, v, allowed);
        return dflt;
      }
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

  private static ResourceConfig resource(SettingsReader r) {
    boolean enabled = r.bool("RESOURCE_MONITORING_ENABLED", true);
    Duration interval =
        r.interval("RESOURCE_MONITORING_INTERVAL", 10, 10_080, "minutes", Duration.ofMinutes(1));
    double cpu = r.percent("RESOURCE_CPU_THRESHOLD", 80.0);
    double mem = r.percent("RESOURCE_MEMORY_THRESHOLD", 80.0);
    double disk = r.percent("RESOURCE_DISK_THRESHOLD", 90.0);
    double margin = recoveryMargin(r);
    long maxMemoryMb = r.integer("RESOURCE_MAX_MEMORY_MB", 500, 1, 1_048_576);
    long chunk =
        r.integer("RESOURCE_STREAMING_CHUNK_SIZE", 1_048_576, 1, Integer.MAX_VALUE,
            "expected a number of bytes from " + ResourceConfig.MIN_CHUNK_SIZE
                + " (4 KiB) to RESOURCE_MAX_MEMORY_MB");
    if (chunk < ResourceConfig.MIN_CHUNK_SIZE || chunk > maxMemoryMb * MIB) {
      r.problem("RESOURCE_STREAMING_CHUNK_SIZE", Long.toString(chunk),
          "expected a number of bytes from " + ResourceConfig.MIN_CHUNK_SIZE
              + " (4 KiB) to RESOURCE_MAX_MEMORY_MB (" + maxMemoryMb * MIB + " bytes)");
      chunk = Math.min(1_048_576, maxMemoryMb * MIB);
    }
    boolean gc = r.bool("RESOURCE_GC_AFTER_UPLOAD", true);
    Duration sample =
        r.interval("RESOURCE_SAMPLE_SECONDS", 2, 3600, "seconds", Duration.ofSeconds(1));
    long thresholdMb = r.integer("RESOURCE_STREAMING_THRESHOLD_MB", 10, 0, 1_048_576);
    Duration maxWait =
        r.interval("RESOURCE_THROTTLE_MAX_WAIT_SECONDS", 300, 86_400, "seconds",
            Duration.ofSeconds(1));
    Duration poll =
        r.interval("RESOURCE_THROTTLE_POLL_SECONDS", 5, 3600, "seconds", Duration.ofSeconds(1));
    long budgetMb = r.integer("RESOURCE_MEMORY_BUDGET_MB", 0, 0, 1_048_576);
    if (budgetMb > 0 && budgetMb * MIB < chunk) {
      r.problem("RESOURCE_MEMORY_BUDGET_MB", Long.toString(budgetMb),
          "expected 0 (derive it from the heap) or at least RESOURCE_STREAMING_CHUNK_SIZE ("
              + chunk + " bytes), so that one streaming buffer fits");
    }
    return new ResourceConfig(
        enabled, interval, cpu, mem, disk, margin, maxMemoryMb * MIB,
        (int) Math.max(ResourceConfig.MIN_CHUNK_SIZE, chunk), gc, sample, thresholdMb * MIB,
        maxWait, poll, budgetMb * MIB);
  }

  private static double recoveryMargin(SettingsReader r) {
    String v = r.raw("RESOURCE_RECOVERY_MARGIN");
    double margin = 10.0;
    if (v != null) {
      try {
        margin = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        margin = -1;
      }
      if (!(margin >= 0 && margin < 100)) {
        r.problem("RESOURCE_RECOVERY_MARGIN", v, "expected percentage points from 0 to below 100");
        margin = 10.0;
      }
    }
    r.text("RESOURCE_RECOVERY_MARGIN", Double.toString(margin));
    return margin;
  }

  private static PentaractConfig pentaract(SettingsReader r) {
    boolean enabled = r.bool("PENTARACT_ENABLED", false);
    URI url = r.url("PENTARACT_API_URL", "http://localhost:8000/api");
    if (url != null && url.getRawUserInfo() != null) {
      r.shown("PENTARACT_API_URL", Redaction.url(url.toString()));
      r.problem("PENTARACT_API_URL", Redaction.url(url.toString()),
          "expected a URL without user:password@; put the login in PENTARACT_EMAIL and "
              + "PENTARACT_PASSWORD");
      url = null;
    }
    String email = r.text("PENTARACT_EMAIL", null);
    Secret password = r.secret("PENTARACT_PASSWORD");
    String storage = r.text("PENTARACT_STORAGE", "ScoutBot-Storage");
    OptionalLong chatId = r.optionalLong("PENTARACT_CHAT_ID");
    long segmentMb = r.integer("PENTARACT_SEGMENT_MB", 40, 0, 1_048_576);
    long thresholdMb = r.integer("PENTARACT_UPLOAD_THRESHOLD", 50, 0, 1_048_576);
    int concurrent = r.intValue("PENTARACT_MAX_CONCURRENT_UPLOADS", 3, 1, 64);
    Duration timeout =
        r.interval("PENTARACT_TIMEOUT", 30, 86_400, "seconds", Duration.ofSeconds(1));
    int retries = r.intValue("PENTARACT_RETRY_ATTEMPTS", 3, 1, 100);
    boolean cleanup = r.bool("PENTARACT_AUTO_CLEANUP", true);
    Duration cleanupInterval =
        r.interval("PENTARACT_CLEANUP_INTERVAL", 30, 10_080, "minutes", Duration.ofMinutes(1));
    if (enabled) {
      List<String> missing = new ArrayList<>();
      if (url == null && r.raw("PENTARACT_API_URL") == null) {
        missing.add("PENTARACT_API_URL");
      }
      if (email == null) {
        missing.add("PENTARACT_EMAIL");
      }
      if (password.isEmpty()) {
        missing.add("PENTARACT_PASSWORD");
      }
      if (!missing.isEmpty()) {
        r.problems()
            .add("PENTARACT_ENABLED=true but required settings are missing: "
                + String.join(", ", missing));
        enabled = false;
      }
      if (url == null) {
        enabled = false;
      }
    }
    if (chatId.isPresent()
        && (chatId.getAsLong() >= 0 || PentaractConfig.hasChannelPrefix(chatId.getAsLong()))) {
      r.problem("PENTARACT_CHAT_ID", Long.toString(chatId.getAsLong()),
          "expected a negative Telegram channel id without the -100 prefix, which Pentaract adds "
              + "itself (for channel -1001234567890 enter -1234567890)");
      chatId = OptionalLong.empty();
    }
    return new PentaractConfig(
        enabled, url, email, password, storage, chatId, segmentMb * MIB, thresholdMb * MIB,
        concurrent, timeout, retries, cleanup, cleanupInterval);
  }

  private static TelegramConfig telegram(SettingsReader r) {
    Secret token = r.secret("BOT_TOKEN");
    Set<Long> allowed = r.idList("ALLOWED_USER_ID");
    Set<Long> admins = r.idList("ADMIN_USER_IDS");
    if (admins.isEmpty() && !allowed.isEmpty()) {
      // the list keeps the order it was written in: the operator usually puts themselves first
      admins = Set.of(allowed.iterator().next());
    }
    URI base = r.url("TELEGRAM_API_BASE_URL", CLOUD_BOT_API);
    if (base != null && !botApiBase(base)) {
      r.problem("TELEGRAM_API_BASE_URL", Redaction.url(base.toString()),
          "expected scheme, host and port only, e.g. https://api.telegram.org or "
              + "http://127.0.0.1:8081 (TelegramBots builds {BASE}/bot<token>/<method> and "
              + "cannot add a path; serve the Bot API server at the root of its own host or port)");
      base = null;
    }
    URI url = base == null ? URI.create(CLOUD_BOT_API) : base;
    boolean local = r.bool("TELEGRAM_LOCAL_API", false);
    boolean cloudHost = "api.telegram.org".equalsIgnoreCase(url.getHost());
    if (local && cloudHost) {
      r.problem("TELEGRAM_LOCAL_API", r.raw("TELEGRAM_LOCAL_API"),
          "api.telegram.org is the cloud Bot API; TELEGRAM_LOCAL_API=true needs "
              + "TELEGRAM_API_BASE_URL pointing at a self-hosted telegram-bot-api --local server");
      local = false;
    }
    long maxMb = local ? 2000 : 50;
    long limitMb =
        r.integer("TELEGRAM_UPLOAD_LIMIT_MB", maxMb, 1, maxMb,
            local
                ? "expected a whole number of MB from 1 to 2000 (the most a self-hosted Bot API "
                    + "server accepts)"
                : "expected a whole number of MB from 1 to 50 (the most the cloud Bot API "
                    + "accepts; a self-hosted Bot API server with TELEGRAM_LOCAL_API=true takes up "
                    + "to 2000)");
    return new TelegramConfig(token, allowed, admins, url, limitMb * MIB, local);
  }

  /** Scheme, host and optional port; at most "/" as path; no user info, query or fragment. */
  private static boolean botApiBase(URI uri) {
    String path = uri.getRawPath();
    return (path == null || path.isEmpty() || path.equals("/")) && uri.getRawQuery() == null
        && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
  }

  private static HttpConfig http(SettingsReader r) {
    String addr = r.text("HTTP_ADDR", "127.0.0.1:8080");
    Secret token = r.secret("HTTP_TOKEN");
    if (addr.equalsIgnoreCase("off")) {
      return HttpConfig.off();
    }
    String host = "127.0.0.1";
    int port = 8080;
    int colon = addr.lastIndexOf(':');
    boolean ok = colon > 0;
    if (ok) {
      host = addr.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        port = Integer.parseInt(addr.substring(colon + 1));
        ok = port >= 0 && port <= 65535 && !host.isEmpty();
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      r.problem("HTTP_ADDR", addr,
          "expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080, or off (no HTTP server)");
      return HttpConfig.off();
    }
    if (!new HttpConfig(false, host, port, token).loopback() && token.isEmpty()) {
      r.problem("HTTP_ADDR", addr,
          "a non-loopback address needs HTTP_TOKEN set, so that only holders of the token can "
              + "read status and metrics");
      return HttpConfig.off();
    }
    return new HttpConfig(host, port, token);
  }

  private static String defaultNodeId(Map<String, String> settings) {
    String h = settings.get("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
