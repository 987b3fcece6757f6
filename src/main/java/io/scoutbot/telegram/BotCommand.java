package io.scoutbot.telegram;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A command the bot registers with {@code setMyCommands}, so clients offer it in their menu.
 * Immutable; checks Telegram's rules for names and descriptions.
 *
 * @param command without the slash: 1–32 of {@code a-z 0-9 _}
 * @param description 1–256 characters
 */
public record BotCommand(String command, String description) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,32}");

  public BotCommand {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(description, "description");
    if (!NAME.matcher(command).matches()) {
      throw new IllegalArgumentException(
          "a command is 1 to 32 of a-z, 0-9 and _ without the slash: " + command);
    }
    if (description.isBlank() || description.length() > 256) {
      throw new IllegalArgumentException(
          "a command description is 1 to 256 characters: " + command);
    }
  }
}
