package io.scoutbot.telegram;

/**
 * One message in one chat: what edits, deletes and replies point at, and what a job stores to keep
 * editing its status message after a restart. Immutable.
 */
public record MessageRef(long chatId, int messageId) {

  public MessageRef {
    if (messageId <= 0) {
      throw new IllegalArgumentException("messageId must be positive: " + messageId);
    }
  }
}
