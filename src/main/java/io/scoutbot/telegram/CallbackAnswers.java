package io.scoutbot.telegram;

import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;

/**
 * Answers a button press, which Telegram's clients expect within seconds (they show a spinner until
 * then): with nothing, a short notice, or an alert. Implementations are thread-safe and block.
 */
@FunctionalInterface
public interface CallbackAnswers {

  /**
   * Answers the press {@code callbackId}.
   *
   * @param text shown to the user (at most 200 characters), or null for nothing
   * @param alert whether it is an alert the user must dismiss instead of a passing notice
   */
  void answer(String callbackId, String text, boolean alert) throws InterruptedException;

  /** Answers through {@code api}. */
  static CallbackAnswers over(BotApi api) {
    return (callbackId, text, alert) -> {
      String shown = text == null ? null
          : text.length() <= 200 ? text : text.substring(0, 199) + "…";
      api.call("answercallbackquery", c -> c.executeAsync(AnswerCallbackQuery.builder()
          .callbackQueryId(callbackId).text(shown).showAlert(alert ? Boolean.TRUE : null)
          .build()));
    };
  }
}
