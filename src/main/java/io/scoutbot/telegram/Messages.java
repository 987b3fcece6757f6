package io.scoutbot.telegram;

/**
 * Text messages in chats: send, reply, edit, delete, always in HTML parse mode with user text
 * escaped by {@link Html}. Text longer than Telegram's 4096 characters is cut to fit (as plain
 * text) rather than refused; callers that list many things paginate first. A 429 is waited out and
 * the call made once more. Implementations are thread-safe and block the calling thread.
 *
 * @see BotApiFailure for what a failure says
 */
public interface Messages {

  /** Sends {@code text} to a chat, with {@code keyboard} under it. */
  MessageRef send(long chatId, Html text, Keyboard keyboard) throws InterruptedException;

  /** Sends {@code text} as a reply to {@code to} (still sent if that message is gone). */
  MessageRef reply(MessageRef to, Html text, Keyboard keyboard) throws InterruptedException;

  /**
   * Replaces a message's text and keyboard ({@link Keyboard#NONE} removes it).
   *
   * @return false when the message already showed exactly that ("message is not modified" is not
   *     an error)
   */
  boolean edit(MessageRef message, Html text, Keyboard keyboard) throws InterruptedException;

  /** Deletes a message; one that is already gone counts as deleted. */
  void delete(MessageRef message) throws InterruptedException;

  /** Messages sent through {@code api}. */
  static Messages over(BotApi api) {
    return new BotMessages(api);
  }
}
