package io.scoutbot.telegram;

import java.util.regex.Pattern;

/**
 * Keeps the bot token out of text and exceptions: every Bot API URL carries it ({@code
 * /bot<token>/…}, {@code /file/bot<token>/…}), so any message that may quote a URL passes through
 * here before it is logged, shown or attached as a cause. Immutable and thread-safe.
 */
final class Redactor {

  /** Anything shaped like a bot token, in case a message quotes another one. */
  private static final Pattern TOKEN_LIKE = Pattern.compile("\\d{5,}:[A-Za-z0-9_-]{20,}");
  private static final int MAX_DEPTH = 16;

  private final String token;

  Redactor(String token) {
    this.token = token;
  }

  /** {@code text} with the token (and anything like one) replaced by {@code ***}. */
  String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = token.isEmpty() ? text : text.replace(token, "***");
    return TOKEN_LIKE.matcher(out).replaceAll("***");
  }

  /**
   * A copy of {@code t} and its causes whose messages are scrubbed; stack traces are kept, so a
   * logged failure still shows where it happened. The copies are {@link Redacted}, whose message
   * starts with the original class name.
   */
  Throwable scrub(Throwable t) {
    return scrub(t, 0);
  }

  private Throwable scrub(Throwable t, int depth) {
    if (t == null || depth >= MAX_DEPTH) {
      return null;
    }
    Throwable cause = t.getCause() == t ? null : scrub(t.getCause(), depth + 1);
    String message = t.getMessage() == null ? t.getClass().getName()
        : t.getClass().getName() + ": " + scrub(t.getMessage());
    Redacted r = new Redacted(message, cause);
    r.setStackTrace(t.getStackTrace());
    return r;
  }

  /** A scrubbed stand-in for an exception from the HTTP stack or TelegramBots. */
  static final class Redacted extends Exception {
    Redacted(String message, Throwable cause) {
      super(message, cause, false, true);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
