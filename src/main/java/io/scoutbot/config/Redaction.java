package io.scoutbot.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text as it may be shown: the passwords a URL carries ({@code //user:password@host}, {@code
 * password=} parameters) replaced by {@code ***}. Stateless.
 */
public final class Redaction {

  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)([^&]*)");

  private Redaction() {}

  /** The URL with its passwords masked, for logs, status and error lines. */
  public static String url(String url) {
    String out = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
    int[] span = userinfoPassword(out);
    return span == null ? out : out.substring(0, span[0]) + "***" + out.substring(span[1]);
  }

  /**
   * {@code text} with every password {@code url} carries masked wherever it appears: drivers echo
   * parts of the URL (a host parsed as {@code user:password@host}) in their own messages.
   */
  public static String scrub(String text, String url) {
    String out = text.replace(url, url(url));
    for (String secret : passwords(url)) {
      out = out.replace(secret, "***");
    }
    return out;
  }

  /** Whether the URL has a {@code user:password@} part. */
  public static boolean hasUserinfoPassword(String url) {
    return userinfoPassword(url) != null;
  }

  private static List<String> passwords(String url) {
    List<String> out = new ArrayList<>();
    Matcher m = PASSWORD_PARAM.matcher(url);
    while (m.find()) {
      if (!m.group(2).isEmpty()) {
        out.add(m.group(2));
      }
    }
    int[] span = userinfoPassword(url);
    if (span != null && span[1] > span[0]) {
      out.add(url.substring(span[0], span[1]));
    }
    return out;
  }

  /**
   * Where the password of {@code //user:password@} starts and ends, or null. It runs to the last
   * '@' (a password may hold '/' or '@'), unless that '@' sits in a query, where the first one is
   * taken instead.
   */
  private static int[] userinfoPassword(String url) {
    int start = url.indexOf("//");
    if (start < 0) {
      return null;
    }
    start += 2;
    int at = url.lastIndexOf('@');
    if (at > start && url.substring(start, at).contains("?")) {
      at = url.indexOf('@', start);
      if (url.substring(start, at).matches(".*[/?].*")) {
        return null;
      }
    }
    if (at <= start) {
      return null;
    }
    int colon = url.indexOf(':', start);
    return colon < 0 || colon > at ? null : new int[] {colon + 1, at};
  }
}
