package io.scoutbot.catalog;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * File codes: 6 characters from {@code [A-Z0-9]} (36⁶ ≈ 2.2 billion), drawn from a secure random
 * source so they cannot be guessed from each other. Thread-safe.
 */
public final class FileCodes {

  public static final int LENGTH = 6;
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private FileCodes() {}

  /** A generator of random codes. */
  public static Supplier<String> random() {
    SecureRandom random = new SecureRandom();
    return () -> {
      char[] c = new char[LENGTH];
      for (int i = 0; i < LENGTH; i++) {
        c[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
      }
      return new String(c);
    };
  }

  /** User input as a code: trimmed and upper-cased, or null when it cannot be a code. */
  public static String normalise(String input) {
    if (input == null) {
      return null;
    }
    String c = input.strip().toUpperCase(Locale.ROOT);
    if (c.length() != LENGTH) {
      return null;
    }
    for (int i = 0; i < LENGTH; i++) {
      if (ALPHABET.indexOf(c.charAt(i)) < 0) {
        return null;
      }
    }
    return c;
  }
}
