package io.scoutbot.resource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the small text files of {@code /proc} and {@code /sys/fs/cgroup} into one reusable buffer
 * and finds {@code key value} fields without splitting them into lines: a sample reads about ten
 * such files every two seconds, and the JDK's line readers would allocate some 25 KB of buffers per
 * file. Thread-safe (reads are synchronized); unreadable files read as empty text.
 */
final class ProcFiles {

  private byte[] buffer = new byte[16 * 1024];

  /** The whole file as text; empty when it is missing or unreadable. */
  synchronized String read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      int n = 0;
      int r;
      while ((r = in.read(buffer, n, buffer.length - n)) > 0) {
        n += r;
        if (n == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * The first number after {@code key} on a line starting with it ({@code total_inactive_file 123},
   * {@code MemTotal:   8000000 kB}); {@code Long.MAX_VALUE} when absent or not a number.
   */
  static long field(String text, String key) {
    int at = 0;
    while (true) {
      int i = text.indexOf(key, at);
      if (i < 0) {
        return Long.MAX_VALUE;
      }
      int end = i + key.length();
      boolean lineStart = i == 0 || text.charAt(i - 1) == '\n';
      boolean keyEnd = end < text.length()
          && (text.charAt(end) == ' ' || text.charAt(end) == '\t' || text.charAt(end) == ':');
      if (lineStart && keyEnd) {
        return firstNumber(text, end);
      }
      at = end;
    }
  }

  /** The number at the start of the text, e.g. a file holding {@code 536870912\n}. */
  static long number(String text) {
    return firstNumber(text, 0);
  }

  private static long firstNumber(String text, int from) {
    int i = from;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t'
        || text.charAt(i) == ':')) {
      i++;
    }
    int start = i;
    if (i < text.length() && text.charAt(i) == '-') {
      i++;
    }
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      i++;
    }
    if (i == start || (i == start + 1 && text.charAt(start) == '-')) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(text, start, i, 10);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The first line, without its newline. */
  static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
