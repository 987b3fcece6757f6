package io.scoutbot.storage.pentaract;

import io.scoutbot.storage.ObjectKeys;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where objects live in a Pentaract storage, and how those paths go into URLs. Stateless.
 *
 * <p>Layout, for the key {@code <CODE>/<name>}:
 *
 * <ul>
 *   <li>a plain object is the file {@code scoutbot/<CODE>/<name>};
 *   <li>a segmented object is the folder {@code scoutbot/<CODE>/<name>.segments/} holding the segments
 *       {@code 00001}, {@code 00002}, … and, written last, {@code manifest.json}; its location is the
 *       manifest's path;
 *   <li>an empty file has no remote object at all; its location is {@code empty:} plus the path it
 *       would have had.
 * </ul>
 *
 * A location is a manifest exactly when its last segment is {@code manifest.json} inside a folder
 * ending in {@code .segments}; keys of that shape are refused so the rule stays unambiguous.
 */
final class RemotePaths {

  static final String ROOT = "scoutbot";
  static final String EMPTY_PREFIX = "empty:";
  static final String SEGMENTS_SUFFIX = ".segments";
  static final String MANIFEST_NAME = "manifest.json";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RemotePaths() {}

  /** The remote path of a plain object: {@code scoutbot/<key>}. */
  static String object(String key) {
    ObjectKeys.requireValid(key);
    String path = ROOT + "/" + key;
    if (isManifest(path)) {
      throw new IllegalArgumentException(
          "object key '" + key + "' has the shape reserved for segment manifests");
    }
    return path;
  }

  /** The folder (without trailing slash) that holds the segments and manifest of {@code key}. */
  static String segmentFolder(String key) {
    return object(key) + SEGMENTS_SUFFIX;
  }

  /** The path of segment {@code number} (1-based) of {@code key}. */
  static String segment(String key, int number) {
    if (number < 1) {
      throw new IllegalArgumentException("segment numbers start at 1: " + number);
    }
    return segmentFolder(key) + "/" + String.format("%05d", number);
  }

  static String manifest(String key) {
    return segmentFolder(key) + "/" + MANIFEST_NAME;
  }

  /** The synthetic location of an empty file, which has no remote object. */
  static String empty(String key) {
    return EMPTY_PREFIX + object(key);
  }

  static boolean isEmpty(String location) {
    return location.startsWith(EMPTY_PREFIX);
  }

  static boolean isManifest(String location) {
    int slash = location.lastIndexOf('/');
    return slash > 0
        && location.substring(slash + 1).equals(MANIFEST_NAME)
        && location.substring(0, slash).endsWith(SEGMENTS_SUFFIX);
  }

  /** The folder a manifest location lives in (its segments' folder), without trailing slash. */
  static String folderOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** The last segment of a path. */
  static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * The {@code scoutbot/<CODE>} folder of a path under our root, when its name cannot act as a SQL
   * {@code LIKE} wildcard (Pentaract deletes folders with {@code LIKE 'folder/%'}); empty otherwise.
   */
  static Optional<String> codeFolder(String path) {
    String[] parts = path.split("/", -1);
    if (parts.length < 3 || !parts[0].equals(ROOT) || !parts[1].matches("[A-Za-z0-9.-]+")) {
      return Optional.empty();
    }
    return Optional.of(ROOT + "/" + parts[1]);
  }

  /**
   * Percent-encodes each segment of {@code path} for a URL, keeping {@code /} as the separator. Only
   * RFC 3986 unreserved characters stay as they are; everything else is encoded as UTF-8 bytes, which
   * axum decodes back to the same path.
   */
  static String encode(String path) {
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length + 16);
    for (byte value : bytes) {
      int c = value & 0xff;
      if (c == '/' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }
}
