package io.scoutbot.testing.telegram;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

/**
 * Telegram's HTML parse mode as the fake Bot API checks it: the supported tags, properly nested,
 * and {@code &lt; &gt; &amp; &quot;} and numeric entities; a {@code <} that starts no supported tag
 * is refused with Telegram's "can't parse entities" wording. Returns the visible text, whose length
 * the 4096/1024 limits count. Stateless.
 */
final class TelegramHtml {

  private static final Set<String> TAGS = Set.of("b", "strong", "i", "em", "u", "ins", "s",
      "strike", "del", "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji");

  /** A markup error, with the description the Bot API would give. */
  static final class Invalid extends Exception {
    Invalid(String description) {
      super("Bad Request: can't parse entities: " + description, null, false, false);
    }
  }

  private TelegramHtml() {}

  /** The visible text of {@code html}; throws if Telegram would refuse it. */
  static String visibleText(String html) throws Invalid {
    StringBuilder out = new StringBuilder(html.length());
    Deque<String> open = new ArrayDeque<>();
    int i = 0;
    while (i < html.length()) {
      char c = html.charAt(i);
      if (c == '<') {
        int end = html.indexOf('>', i);
        if (end < 0) {
          throw new Invalid("Unclosed start tag at byte offset " + byteOffset(html, i));
        }
        String inside = html.substring(i + 1, end).strip();
        if (inside.startsWith("/")) {
          String name = inside.substring(1).strip().toLowerCase(Locale.ROOT);
          if (open.isEmpty() || !open.peek().equals(name)) {
            throw new Invalid("Unexpected end tag at byte offset " + byteOffset(html, i));
          }
          open.pop();
        } else {
          String name = inside.split("[\\s/]", 2)[0].toLowerCase(Locale.ROOT);
          if (!TAGS.contains(name)) {
            throw new Invalid("Unsupported start tag \"" + name + "\" at byte offset "
                + byteOffset(html, i));
          }
          open.push(name);
        }
        i = end + 1;
      } else if (c == '&') {
        int semi = html.indexOf(';', i);
        String decoded = semi < 0 || semi - i > 10 ? null : decode(html.substring(i + 1, semi));
        if (decoded == null) {
          out.append('&'); // Telegram keeps an '&' that starts no entity
          i++;
        } else {
          out.append(decoded);
          i = semi + 1;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    if (!open.isEmpty()) {
      throw new Invalid("Can't find end tag corresponding to start tag \"" + open.peek() + "\"");
    }
    return out.toString();
  }

  private static String decode(String e) {
    switch (e) {
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
    try {
      if (e.startsWith("#x") || e.startsWith("#X")) {
        return Character.toString(Integer.parseInt(e.substring(2), 16));
      }
      if (e.startsWith("#")) {
        return Character.toString(Integer.parseInt(e.substring(1)));
      }
    } catch (IllegalArgumentException ex) {
      return null;
    }
    return null;
  }

  private static int byteOffset(String s, int index) {
    return s.substring(0, index).getBytes(StandardCharsets.UTF_8).length;
  }
}
