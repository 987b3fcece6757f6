package io.scoutbot.telegram;

import io.scoutbot.config.TelegramConfig;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.util.Locale;

/**
 * What size of file the Bot API server in use lets the bot send and fetch: the cloud Bot API
 * (50 MB up, 20 MB down) or a self-hosted {@code telegram-bot-api --local} (up to 2000 MB up, no
 * limit down), as {@code TELEGRAM_LOCAL_API} says. The one place that words the refusals.
 * Immutable.
 *
 * @param uploadLimitBytes the largest file the bot sends (TELEGRAM_UPLOAD_LIMIT_MB)
 * @param fetchLimitBytes the largest file the bot can fetch; {@link Long#MAX_VALUE} for none
 */
public record TelegramLimits(boolean localApi, long uploadLimitBytes, long fetchLimitBytes) {

  /** The cloud Bot API's getFile limit: 20 MB. */
  public static final long CLOUD_FETCH_LIMIT_BYTES = 20L << 20;

  public TelegramLimits {
    if (uploadLimitBytes <= 0 || fetchLimitBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** The limits {@code config} implies. */
  public static TelegramLimits of(TelegramConfig config) {
    return new TelegramLimits(config.localApi(), config.uploadLimitBytes(),
        config.localApi() ? Long.MAX_VALUE : CLOUD_FETCH_LIMIT_BYTES);
  }

  public boolean canSend(long size) {
    return size <= uploadLimitBytes;
  }

  public boolean canFetch(long size) {
    return size <= fetchLimitBytes;
  }

  /**
   * Refuses a send over the limit, before any byte moves.
   *
   * @param code the file's code in storage, for the way to get it instead; may be null
   * @throws ScoutFailure (permanent) saying how to get the file another way
   */
  public void checkSend(String name, long size, String code) {
    if (canSend(size)) {
      return;
    }
    String cli = code == null ? "./scoutbot download CODE" : "./scoutbot download " + code;
    throw new ScoutFailure(name + " is " + size(size) + ", more than the " + size(uploadLimitBytes)
        + " the bot may send in a chat (TELEGRAM_UPLOAD_LIMIT_MB). Get it with the CLI on the "
        + "server: " + cli
        + (localApi
            ? "."
            : "; or run a self-hosted Bot API server (telegram-bot-api --local, with "
                + "TELEGRAM_API_BASE_URL pointing at it and TELEGRAM_LOCAL_API=true), which sends "
                + "files up to 2000 MB."),
        Disposition.PERMANENT);
  }

  /** Refuses a fetch over the cloud's 20 MB, before calling getFile. */
  public void checkFetch(String name, long size) {
    if (!canFetch(size)) {
      throw new ScoutFailure(name + " is " + size(size) + "; " + fetchLimitExplanation(),
          Disposition.PERMANENT);
    }
  }

  /** Why a file over 20 MB cannot be fetched, and what lifts the limit. */
  static String fetchLimitExplanation() {
    return "the cloud Telegram Bot API lets bots download files of up to 20 MB. To store larger "
        + "files, run a self-hosted Bot API server (telegram-bot-api --local) and point "
        + "TELEGRAM_API_BASE_URL at it with TELEGRAM_LOCAL_API=true, which lifts the limit; or "
        + "upload the file on the server with ./scoutbot upload FILE";
  }

  /** A size for people: bytes up to 1 KiB, then KiB, MiB, GiB with one decimal. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
