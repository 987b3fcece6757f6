package io.scoutbot.telegram;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What users send the bot, received by long polling: {@link #start} checks the token ({@code
 * getMe}), removes any webhook ({@code deleteWebhook}, long polling and a webhook exclude each
 * other), registers the command menu ({@code setMyCommands}, unless the list is empty) and then
 * polls {@code getUpdates} until {@link #close()}. Thread-safe.
 *
 * <p>The handler runs on the one polling thread, update after update in the order Telegram sent
 * them, so it must be quick (hand slow work to another thread); an exception it throws is logged
 * and that update skipped. An update is confirmed to Telegram by the next poll, so one that arrived
 * just before a crash is delivered again after the restart. A 429 on polling is waited out; other
 * failures are retried with backoff (1 s growing to 60 s), logged, and never stop the bot.
 */
public interface Updates extends AutoCloseable {

  /**
   * Starts receiving updates.
   *
   * @return who the bot is
   * @throws BotApiFailure if the token is not valid or the server cannot be reached; nothing is
   *     polled then, and {@code start} may be called again (after a retryable failure)
   * @throws IllegalStateException if started before, or closed
   */
  BotIdentity start(List<BotCommand> commands, Consumer<Incoming> handler)
      throws InterruptedException;

  /** Stops polling; an update being handled finishes first (for at most a few seconds). */
  @Override
  void close();

  /**
   * Long polling through {@code api}.
   *
   * @param pollTimeout how long one getUpdates waits on the server for an update (50 s is usual;
   *     tests use less)
   */
  static Updates longPolling(BotApi api, Duration pollTimeout) {
    return new LongPolling(api, pollTimeout);
  }
}
