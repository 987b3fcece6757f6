package io.scoutbot.metrics;

import java.util.regex.Pattern;

/**
 * Keeps label values low-cardinality: only short lower-case words pass, anything else (a file name, a
 * URL, a user id by mistake) becomes {@code other}, so a caller's slip cannot grow the series without
 * bound. Stateless.
 */
final class Labels {

  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  private Labels() {}

  static String word(String value) {
    return value != null && WORD.matcher(value).matches() ? value : "other";
  }
}
