package io.scoutbot.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an existing {@code .env} file, typically one written for the Python ScoutBot, and says what
 * this service makes of each key in it: used, defaulted (blank), renamed (and to what), or unknown
 * (and the nearest known name), plus every problem that would stop startup. Only the file is read,
 * not the environment. Values of settings are shown as the startup log shows them, secrets masked;
 * values of renamed and unknown keys are never shown, since any of them may be a credential.
 * Stateless.
 */
public final class ConfigCheck {

  /** What this service makes of one key. */
  public enum Status {
    /** A setting, with a value: it is in effect. */
    USED,
    /** A setting left blank: its default applies. */
    DEFAULTED,
    /** Not read under this name; the setting that takes its place is {@code newName}. */
    RENAMED,
    /** Not read at all. */
    UNKNOWN
  }

  /**
   * One key of the file.
   *
   * @param value the effective value (secrets masked) for used and defaulted keys, else null
   * @param newName the setting to use instead, for renamed keys, else null
   * @param nearest the most similar known setting, for unknown keys when one is close, else null
   * @param note one line for the operator, or null
   */
  public record Entry(String key, Status status, String value, String newName, String nearest,
      String note) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(status, "status");
    }
  }

  /**
   * The verdict on one file.
   *
   * @param entries one per key, in file order
   * @param problems what would stop startup, one line each, as startup would print them
   * @param hints how to fix some of those problems coming from the Python ScoutBot, one line each
   * @param defaultedSettings how many known settings the file does not mention (their defaults apply)
   */
  public record Report(Path file, List<Entry> entries, List<String> problems, List<String> hints,
      int defaultedSettings) {
    public Report {
      entries = List.copyOf(entries);
      problems = List.copyOf(problems);
      hints = List.copyOf(hints);
    }

    /** Whether startup with this file would succeed. */
    public boolean startsUp() {
      return problems.isEmpty();
    }
  }

  private record Rename(String newName, String note) {}

  /** Python ScoutBot keys that another setting replaces here. */
  private static final Map<String, Rename> RENAMED = Map.of(
      "TELEGRAM_USE_LOCAL_API", new Rename("TELEGRAM_LOCAL_API",
          "and point TELEGRAM_API_BASE_URL at the local Bot API server"),
      "ENVIRONMENT", new Rename("LOG_LEVEL",
          "its one effect was LOG_LEVEL=error in production; set LOG_LEVEL for that"),
      "NODE_ENV", new Rename("LOG_LEVEL",
          "its one effect was LOG_LEVEL=error in production; set LOG_LEVEL for that"));

  /** Python ScoutBot keys for parts this service does not have. */
  private static final Map<String, String> PYTHON_ONLY = Map.of(
      "PENTARACT_USERNAME", "the Python bot's mini Pentaract server needed it; Pentaract logs in"
          + " with PENTARACT_EMAIL and PENTARACT_PASSWORD only",
      "TELEGRAM_BOT_API_DATA_PATH", "with TELEGRAM_LOCAL_API=true, files are read at the paths the"
          + " local Bot API server reports: mount its folder at the same path",
      "ENABLE_ARIA2", "downloads are streamed by the service itself",
      "SPOTIFY_ENABLED", "not part of the storage service");

  private ConfigCheck() {}

  /** Every setting {@link ConfigLoader} reads: it reads each of them on every load. */
  public static Set<String> knownSettings() {
    return new TreeSet<>(ConfigLoader.fromMap(Map.of(), Path.of("")).effective().keySet());
  }

  /** Checks {@code file}; relative paths in it resolve against its folder, as they would there. */
  public static Report check(Path file) {
    if (!Files.isRegularFile(file)) {
      return new Report(file, List.of(), List.of(file + ": no such file"), List.of(), 0);
    }
    Map<String, String> settings;
    try {
      settings = DotEnv.read(file);
    } catch (ConfigException e) {
      return new Report(file, List.of(), e.problems(), List.of(), 0);
    }
    return check(file, settings);
  }

  static Report check(Path file, Map<String, String> settings) {
    Path workDir = file.toAbsolutePath().getParent();
    Map<String, String> defaults = ConfigLoader.fromMap(Map.of(), workDir).effective();
    SettingsReader reader = new SettingsReader(settings);
    List<String> problems = new ArrayList<>();
    try {
      ConfigLoader.fromMap(reader, settings, workDir);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    Map<String, String> effective = reader.effective();

    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, String> kv : settings.entrySet()) {
      Entry e = entry(kv.getKey(), kv.getValue(), effective, defaults);
      String prefix = e.key() + "=";
      boolean invalid = problems.stream().anyMatch(p -> p.startsWith(prefix));
      entries.add(e.status() == Status.USED && invalid
          ? new Entry(e.key(), Status.USED, null, null, null,
              "not valid: startup would stop (see the problems)")
          : e);
    }
    int unmentioned = (int) defaults.keySet().stream().filter(k -> !settings.containsKey(k)).count();
    return new Report(file, entries, problems, hints(settings, problems), unmentioned);
  }

  /** What a Python log level name is read as, so the report does not look like it is kept. */
  private static String pythonLevel(String key, String value) {
    if (!key.equals("LOG_LEVEL")) {
      return null;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "warning" -> "read as warn";
      case "critical" -> "read as error (there is no critical level here)";
      default -> null;
    };
  }

  private static Entry entry(String key, String value, Map<String, String> effective,
      Map<String, String> defaults) {
    if (defaults.containsKey(key)) {
      if (value == null || value.isBlank()) {
        return new Entry(key, Status.DEFAULTED, defaults.get(key), null, null,
            "blank, so the default applies");
      }
      return new Entry(key, Status.USED, effective.get(key), null, null, pythonLevel(key, value));
    }
    Rename rename = RENAMED.get(key.toUpperCase(Locale.ROOT));
    if (rename != null) {
      return new Entry(key, Status.RENAMED, null, rename.newName(), null, rename.note());
    }
    String upper = key.toUpperCase(Locale.ROOT);
    if (defaults.containsKey(upper)) {
      return new Entry(key, Status.RENAMED, null, upper, null,
          "setting names are case-sensitive here; the Python bot ignored case");
    }
    String pythonOnly = PYTHON_ONLY.get(upper);
    if (pythonOnly != null) {
      return new Entry(key, Status.UNKNOWN, null, null, null, pythonOnly);
    }
    return new Entry(key, Status.UNKNOWN, null, null, nearest(upper, defaults.keySet()), null);
  }

  /** The known name closest to {@code key} by edit distance, if it is close enough to be a typo. */
  static String nearest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : new TreeSet<>(known)) {
      int d = distance(key, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static List<String> hints(Map<String, String> settings, List<String> problems) {
    List<String> hints = new ArrayList<>();
    String db = settings.getOrDefault("DATABASE_URL", "").strip();
    if (db.startsWith("sqlite:") && problems.stream().anyMatch(p -> p.startsWith("DATABASE_URL="))) {
      String file = db.replaceFirst("^sqlite:/*", "");
      String path = db.startsWith("sqlite:////") ? "/" + file : file;
      hints.add("DATABASE_URL: the Python bot's " + db + " is jdbc:sqlite:" + path + " here; its"
          + " tables are not read, so a new database starts empty (keep DATABASE_URL unset for"
          + " the default $DATA_DIR/scoutbot.db)");
    }
    return hints;
  }

  /** The report as plain values (snake_case keys), for {@code --json}. */
  public static Map<String, Object> toMap(Report report) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("file", report.file().toString());
    List<Map<String, Object>> keys = new ArrayList<>();
    for (Entry e : report.entries()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", e.key());
      m.put("status", e.status().name().toLowerCase(Locale.ROOT));
      m.put("value", e.value());
      m.put("new_name", e.newName());
      m.put("nearest", e.nearest());
      m.put("note", e.note());
      keys.add(m);
    }
    doc.put("keys", keys);
    doc.put("other_settings_defaulted", report.defaultedSettings());
    doc.put("problems", report.problems());
    doc.put("hints", report.hints());
    doc.put("starts_up", report.startsUp());
    return doc;
  }
}
