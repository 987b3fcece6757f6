package io.scoutbot.safety;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cleans user-supplied file names (a Telegram document's name, a URL's last segment, a
 * Content-Disposition header, yt-dlp's title) so that no name can escape its folder or break a
 * backend, and reads their extensions. Stateless.
 */
public final class FileNames {

  /** Longest cleaned name in UTF-8 bytes; leaves room for prefixes under common 255-byte limits. */
  public static final int MAX_NAME_BYTES = 200;

  private static final int MAX_EXTENSION_CHARS = 16;
  private static final Pattern RESERVED = Pattern.compile("[:*?\"<>|]");

  private FileNames() {}

  /**
   * A safe file name from any user-supplied name: the last path segment only, no control or bidi
   * characters, no characters reserved on common file systems, not {@code .} or {@code ..}, at most
   * {@link #MAX_NAME_BYTES} bytes with the extension kept. Never empty ({@code file} then).
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
    // Windows drops trailing dots and spaces: "setup.exe." would run as setup.exe
    while (s.endsWith(".") || s.endsWith(" ")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty()) {
      return "file";
    }
    return truncate(s);
  }

  /**
   * The final extension, lower-case and without the dot, or "" when there is none. A leading dot
   * does not start an extension ({@code .bashrc} has none), as for shells and file managers.
   */
  public static String extension(String name) {
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      return "";
    }
    return name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** {@code name} without its final extension ({@code a.tar.gz} → {@code a.tar}). */
  public static String stem(String name) {
    return extension(name).isEmpty() ? name : name.substring(0, name.lastIndexOf('.'));
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
}
