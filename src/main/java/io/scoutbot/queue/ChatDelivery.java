package io.scoutbot.queue;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.nio.file.Path;

/**
 * Sends a job's fetched file into the chat its route names, instead of storing it. The job runner
 * holds the governor's gate pass and a work slot while it calls this, so an implementation must
 * not take them again. Implementations are thread-safe, block the caller, and stop on interrupt.
 */
@FunctionalInterface
public interface ChatDelivery {

  /**
   * Sends {@code file} to {@code chatId} as {@code name}, with {@code note} (or nothing) under it.
   *
   * @throws ScoutFailure classified where the cause is known (a blocked bot is permanent, a
   *     server fault a retry, a 429 a retry-after)
   */
  void send(long chatId, Path file, String name, String mimeType, String note)
      throws InterruptedException;

  /** No bot in this process: chat routes store instead, and a chat-only send fails saying why. */
  static ChatDelivery none() {
    return (chatId, file, name, mimeType, note) -> {
      throw new ScoutFailure("the Telegram bot does not run in this process (BOT_TOKEN is empty),"
          + " so nothing can be sent to a chat", Disposition.BLOCKED);
    };
  }
}
