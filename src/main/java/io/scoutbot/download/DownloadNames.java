package io.scoutbot.download;

import io.scoutbot.safety.FileNames;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Names a downloaded file the way a browser would: the Content-Disposition header's {@code
 * filename*} (RFC 5987/8187, e.g. {@code UTF-8''r%C3%A9sum%C3%A9.pdf}) or {@code filename}, else
 * the last segment of the URL's path (after redirects, then before), else the name the job knew,
 * and when that has no extension (or a server script's, like {@code download.php}), one from the
 * content type. Always cleaned with {@link FileNames#sanitise}. Stateless.
 */
final class DownloadNames {

  private static final Map<String, String> EXTENSIONS =
      Map.ofEntries(
          Map.entry("video/mp4", "mp4"), Map.entry("video/webm", "webm"),
          Map.entry("video/x-matroska", "mkv"), Map.entry("video/quicktime", "mov"),
          Map.entry("video/x-msvideo", "avi"), Map.entry("video/mpeg", "mpg"),
          Map.entry("video/mp2t", "ts"), Map.entry("video/3gpp", "3gp"),
          Map.entry("audio/mpeg", "mp3"), Map.entry("audio/mp4", "m4a"),
          Map.entry("audio/aac", "aac"), Map.entry("audio/ogg", "ogg"),
          Map.entry("audio/opus", "opus"), Map.entry("audio/flac", "flac"),
          Map.entry("audio/wav", "wav"), Map.entry("audio/x-wav", "wav"),
          Map.entry("image/jpeg", "jpg"), Map.entry("image/png", "png"),
          Map.entry("image/gif", "gif"), Map.entry("image/webp", "webp"),
          Map.entry("image/avif", "avif"), Map.entry("image/svg+xml", "svg"),
          Map.entry("application/pdf", "pdf"), Map.entry("application/zip", "zip"),
          Map.entry("application/gzip", "gz"), Map.entry("application/x-gzip", "gz"),
          Map.entry("application/x-tar", "tar"), Map.entry("application/x-7z-compressed", "7z"),
          Map.entry("application/vnd.rar", "rar"), Map.entry("application/x-rar-compressed", "rar"),
          Map.entry("application/x-xz", "xz"), Map.entry("application/epub+zip", "epub"),
          Map.entry("application/json", "json"), Map.entry("text/plain", "txt"),
          Map.entry("text/csv", "csv"), Map.entry("text/html", "html"));

  /** A URL's last segment with one of these extensions names a script, not the file it sent. */
  private static final List<String> SCRIPT_EXTENSIONS =
      List.of("php", "asp", "aspx", "jsp", "cgi", "pl", "do", "action");

  private DownloadNames() {}

  /**
   * The name to store a download under.
   *
   * @param disposition the Content-Disposition header, or null
   * @param finalUrl the URL the bytes came from (after redirects)
   * @param url the URL the job was given
   * @param known the name the job knew so far, or blank
   * @param mimeType the content type without parameters, or null
   */
  static String choose(String disposition, URI finalUrl, URI url, String known, String mimeType) {
    Optional<String> fromHeader = fromDisposition(disposition);
    String name = fromHeader
        .or(() -> lastSegment(finalUrl))
        .or(() -> lastSegment(url))
        .or(() -> known == null || known.isBlank() ? Optional.empty() : Optional.of(known))
        .orElse("download");
    String clean = FileNames.sanitise(name);
    String ext = FileNames.extension(clean);
    String typed = mimeType == null ? null : EXTENSIONS.get(mimeType);
    if (typed != null && fromHeader.isEmpty()
        && (ext.isEmpty() || SCRIPT_EXTENSIONS.contains(ext))) {
      clean = FileNames.sanitise((ext.isEmpty() ? clean : FileNames.stem(clean)) + "." + typed);
    }
    return clean;
  }

  /** The file name a Content-Disposition header gives ({@code filename*} wins), if any. */
  static Optional<String> fromDisposition(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String plain = null;
    String extended = null;
    for (String param : parameters(header)) {
      int eq = param.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = param.substring(eq + 1).strip();
      if (key.equals("filename*")) {
        extended = decodeExtended(value);
      } else if (key.equals("filename")) {
        plain = unquote(value);
      }
    }
    String name = extended != null ? extended : plain == null ? null : utf8IfItWas(plain);
    return name == null || name.isBlank() ? Optional.empty() : Optional.of(name);
  }

  /** The decoded last segment of {@code url}'s path, if it has one. */
  static Optional<String> lastSegment(URI url) {
    if (url == null || url.getRawPath() == null) {
      return Optional.empty();
    }
    String raw = url.getRawPath();
    String segment = raw.substring(raw.lastIndexOf('/') + 1);
    if (segment.isEmpty()) {
      return Optional.empty();
    }
    try {
      // '+' is a literal plus in a path, not a space
      return Optional.of(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.of(segment);
    }
  }

  /** Splits on ';' outside quoted strings. */
  private static List<String> parameters(String header) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (quoted && c == '\\' && i + 1 < header.length()) {
        cur.append(c).append(header.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (c == ';' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i < v.length() - 1; i++) {
        char c = v.charAt(i);
        if (c == '\\' && i + 1 < v.length() - 1) {
          c = v.charAt(++i);
        }
        b.append(c);
      }
      return b.toString();
    }
    return v;
  }

  /** {@code charset'language'percent-encoded} (RFC 8187); null when malformed. */
  private static String decodeExtended(String v) {
    String value = unquote(v);
    int q1 = value.indexOf('\'');
    int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
    if (q2 < 0) {
      return null;
    }
    Charset cs;
    try {
      cs = Charset.forName(value.substring(0, q1).strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
    String encoded = value.substring(q2 + 1);
    ByteBuffer bytes = ByteBuffer.allocate(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length()) {
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.put((byte) (hi * 16 + lo));
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        return null;
      }
    }
    bytes.flip();
    try {
      return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Header values arrive as ISO-8859-1; many servers put raw UTF-8 in {@code filename="…"}. When
   * the bytes read back as valid UTF-8 that is what they were (as browsers assume).
   */
  private static String utf8IfItWas(String s) {
    if (s.chars().allMatch(c -> c < 0x80) || s.chars().anyMatch(c -> c > 0xFF)) {
      return s;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (CharacterCodingException e) {
      return s;
    }
  }

  /** The extension a content type stands for, if it is a common one. */
  static Optional<String> extensionFor(String mimeType) {
    return Optional.ofNullable(mimeType == null ? null : EXTENSIONS.get(mimeType));
  }
}
