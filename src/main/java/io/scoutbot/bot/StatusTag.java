package io.scoutbot.bot;

import io.scoutbot.telegram.MessageRef;
import java.util.Optional;

/**
 * The tag a bot job carries: which chat message shows its status ({@code tg:<chat>:<message>}).
 * Stored with the job, so a restarted process keeps editing the same message. Stateless.
 */
final class StatusTag {

  private static final String PREFIX = "tg:";

  private StatusTag() {}

  static String of(MessageRef message) {
    return PREFIX + message.chatId() + ":" + message.messageId();
  }

  /** The message a tag names; empty for tags of other front ends and for none. */
  static Optional<MessageRef> parse(String tag) {
    if (tag == null || !tag.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int colon = tag.lastIndexOf(':');
    if (colon <= PREFIX.length()) {
      return Optional.empty();
    }
    try {
      long chat = Long.parseLong(tag.substring(PREFIX.length(), colon));
      int message = Integer.parseInt(tag.substring(colon + 1));
      return message > 0 ? Optional.of(new MessageRef(chat, message)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
