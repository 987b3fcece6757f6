package io.scoutbot.telegram;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.util.Locale;

/**
 * A Bot API call that failed, classified once where Telegram's answer (or the broken connection)
 * was seen. Its message is written for the user and never contains the bot token; its cause chain
 * has been scrubbed of it too. Immutable.
 */
public final class BotApiFailure extends ScoutFailure {

  private final int errorCode;
  private final String description;

  BotApiFailure(String message, Disposition disposition, int errorCode, String description,
      Throwable cause) {
    super(message, disposition, cause);
    this.errorCode = errorCode;
    this.description = description == null ? "" : description;
  }

  /** Telegram's {@code error_code} (or the HTTP status); 0 when no answer came. */
  public int errorCode() {
    return errorCode;
  }

  /** Telegram's {@code description}, or empty. */
  public String description() {
    return description;
  }

  /** An edit that changed nothing: Telegram calls it an error, callers need not. */
  public boolean notModified() {
    return errorCode == 400 && lower().contains("message is not modified");
  }

  /** The user blocked the bot: nothing can be sent to them until they unblock it. */
  public boolean blockedByUser() {
    return errorCode == 403 && lower().contains("bot was blocked by the user");
  }

  private String lower() {
    return description.toLowerCase(Locale.ROOT);
  }
}
