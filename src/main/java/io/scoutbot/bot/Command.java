package io.scoutbot.bot;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A command as a user typed it: {@code /storage@scout_bot list 2} is {@code storage} with {@code
 * [list, 2]}. Immutable.
 *
 * @param name lower case, without the slash and the bot's name
 * @param args the words after it
 */
record Command(String name, List<String> args) {

  Command {
    args = List.copyOf(args);
  }

  /** The command in {@code text}, or null when it is not one. */
  static Command parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (!t.startsWith("/") || t.length() < 2) {
      return null;
    }
    String[] words = t.split("\\s+");
    String head = words[0].substring(1);
    int at = head.indexOf('@');
    if (at >= 0) {
      head = head.substring(0, at);
    }
    return new Command(head.toLowerCase(Locale.ROOT),
        Arrays.asList(words).subList(1, words.length));
  }

  /** Word {@code i}, or null. */
  String arg(int i) {
    return i < args.size() ? args.get(i) : null;
  }

  /** How the user wrote it, for the unknown-command line. */
  String shown() {
    return "/" + name;
  }
}
