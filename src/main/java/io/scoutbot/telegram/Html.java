package io.scoutbot.telegram;

import java.util.Locale;
import java.util.Objects;

/**
 * Text for Telegram's HTML parse mode. Immutable. User text only enters through {@link #text} or
 * as an argument of {@link #format}, which escape it, so a file named {@code <b>&.pdf} can never
 * break a message (Telegram rejects a message whose markup does not parse); only templates written
 * in this code base are trusted as markup.
 */
public final class Html {

  /** Most characters of a message, counted after the markup is parsed. */
  public static final int MESSAGE_LIMIT = 4096;

  /** Most characters of a media caption, counted after the markup is parsed. */
  public static final int CAPTION_LIMIT = 1024;

  private final String markup;

  private Html(String markup) {
    this.markup = markup;
  }

  /** Plain text, escaped. */
  public static Html text(String plain) {
    return new Html(escape(Objects.requireNonNull(plain, "plain")));
  }

  /**
   * A trusted template (markup written in this code base) with {@link String#format} arguments,
   * each escaped unless it is a number or itself {@link Html}. Formatting uses {@link Locale#ROOT}.
   */
  public static Html format(String template, Object... args) {
    Object[] escaped = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      escaped[i] = a instanceof Html h ? h.markup
          : a instanceof Number ? a // numbers need no escaping, and keep %d and %.1f working
          : escape(String.valueOf(a));
    }
    return new Html(String.format(Locale.ROOT, template, escaped));
  }

  /** Replaces the three characters HTML parse mode reserves: {@code < > &}. */
  public static String escape(String plain) {
    StringBuilder b = new StringBuilder(plain.length() + 16);
    for (int i = 0; i < plain.length(); i++) {
      char c = plain.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The markup as sent with {@code parse_mode=HTML}. */
  public String markup() {
    return markup;
  }

  /** The text a reader sees: tags removed, entities decoded. */
  public String visibleText() {
    StringBuilder b = new StringBuilder(markup.length());
    int i = 0;
    while (i < markup.length()) {
      char c = markup.charAt(i);
      if (c == '<') {
        int end = markup.indexOf('>', i);
        i = end < 0 ? markup.length() : end + 1;
      } else if (c == '&') {
        int end = markup.indexOf(';', i);
        String decoded = end < 0 ? null : decode(markup.substring(i + 1, end));
        if (decoded == null) {
          b.append(c);
          i++;
        } else {
          b.append(decoded);
          i = end + 1;
        }
      } else {
        b.append(c);
        i++;
      }
    }
    return b.toString();
  }

  /** Length as Telegram counts it: UTF-16 units of the visible text. */
  public int visibleLength() {
    return visibleText().length();
  }

  /**
   * This text if it shows at most {@code max} characters; otherwise its visible text cut to fit,
   * with an ellipsis, as plain text (formatting cannot be cut safely, and a message that arrives
   * plain beats one Telegram refuses).
   */
  public Html fit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    String visible = visibleText();
    if (visible.length() <= max) {
      return this;
    }
    int cut = max - 1;
    if (cut > 0 && Character.isHighSurrogate(visible.charAt(cut - 1))) {
      cut--; // never split a surrogate pair (an emoji)
    }
    return text(visible.substring(0, cut) + "…");
  }

  private static String decode(String entity) {
    switch (entity) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return "\"";
      default:
        break;
    }
    if (entity.startsWith("#")) {
      try {
        int cp = entity.startsWith("#x") || entity.startsWith("#X")
            ? Integer.parseInt(entity.substring(2), 16)
            : Integer.parseInt(entity.substring(1));
        return Character.isValidCodePoint(cp) ? Character.toString(cp) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Html h && h.markup.equals(markup);
  }

  @Override
  public int hashCode() {
    return markup.hashCode();
  }

  @Override
  public String toString() {
    return markup;
  }
}
