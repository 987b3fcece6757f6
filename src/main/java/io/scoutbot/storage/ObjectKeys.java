package io.scoutbot.storage;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Builds the deterministic keys objects are stored under, {@code <CODE>/<sanitised name>}, and
 * sanitises user-supplied file names so that no name can escape its folder or break a backend.
 * Stateless.
 */
public final class ObjectKeys {

  /** Longest sanitised name in UTF-8 bytes; leaves room for prefixes under common 255-byte limits. */
  public static final int MAX_NAME_BYTES = 200;

  private static final int MAX_EXTENSION_CHARS = 16;
  private static final Pattern RESERVED = Pattern.compile("[:*?\"<>|]");

  private ObjectKeys() {}

  /** The key of a stored file: its code, then its sanitised name. */
  public static String of(String code, String name) {
    return code + "/" + sanitise(name);
  }

  /**
   * A safe file name from any user-supplied name: the last path segment only, no control or bidi
   * characters, no characters reserved on common file systems, not {@code .} or {@code ..}, at most
   * {@link #MAX_NAME_BYTES} bytes with the extension kept. Never empty.
   */
  public static String sanitise(String name) {
    String s = name == null ? "" : name;
    int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
    s = s.substring(slash + 1);
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .filter(cp -> !Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT)
        .forEach(b::appendCodePoint);
    s = RESERVED.matcher(b).replaceAll("_").strip();
    while (s.endsWith(".") || s.endsWith(" ")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty()) {
      return "file";
    }
    return truncate(s);
  }

  private static String truncate(String s) {
    if (utf8Length(s) <= MAX_NAME_BYTES) {
      return s;
    }
    int dot = s.lastIndexOf('.');
    String ext =
        dot > 0 && s.length() - dot <= MAX_EXTENSION_CHARS ? s.substring(dot) : "";
    String stem = ext.isEmpty() ? s : s.substring(0, dot);
    int budget = MAX_NAME_BYTES - utf8Length(ext);
    StringBuilder b = new StringBuilder();
    int used = 0;
    for (int i = 0; i < stem.length(); ) {
      int cp = stem.codePointAt(i);
      int len = utf8Length(new String(Character.toChars(cp)));
      if (used + len > budget) {
        break;
      }
      b.appendCodePoint(cp);
      used += len;
      i += Character.charCount(cp);
    }
    return b.toString().strip() + ext;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Rejects keys that are absolute, empty, or contain empty, {@code .} or {@code ..} segments. */
  public static void requireValid(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
      throw new IllegalArgumentException("invalid object key: '" + key + "'");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
          || segment.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("invalid object key: '" + key + "'");
      }
    }
  }
}
