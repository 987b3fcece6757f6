package io.scoutbot.storage;

import io.scoutbot.safety.FileNames;

/**
 * Builds the deterministic keys objects are stored under, {@code <CODE>/<sanitised name>}, and
 * sanitises user-supplied file names so that no name can escape its folder or break a backend.
 * Stateless.
 */
public final class ObjectKeys {

  /** Longest sanitised name in UTF-8 bytes; leaves room for prefixes under common 255-byte limits. */
  public static final int MAX_NAME_BYTES = FileNames.MAX_NAME_BYTES;

  private ObjectKeys() {}

  /** The key of a stored file: its code, then its sanitised name. */
  public static String of(String code, String name) {
    return code + "/" + sanitise(name);
  }

  /**
   * A safe file name from any user-supplied name; the rules live in {@link FileNames#sanitise},
   * shared with fetchers and the file policy, so a name is cleaned the same way everywhere.
   */
  public static String sanitise(String name) {
    return FileNames.sanitise(name);
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
