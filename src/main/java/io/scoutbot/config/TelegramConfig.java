package io.scoutbot.config;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the Telegram bot and of Bot API access. Immutable.
 *
 * @param allowedUserIds users allowed to use the bot; empty means everyone
 * @param adminUserIds users who may ask the bot for the operator's {@code /status}
 * @param apiBaseUrl Bot API server: the cloud one, a local Bot API server, or a test fake; scheme,
 *     host and port only (TelegramBots cannot add a path prefix)
 * @param uploadLimitBytes largest file the bot may send (50 MB cloud, up to 2000 MB local server)
 * @param localApi whether {@code apiBaseUrl} is a self-hosted {@code telegram-bot-api --local}: it
 *     lifts the 20 MB download limit, answers getFile with an absolute local path and takes uploads
 *     up to 2000 MB
 */
public record TelegramConfig(
    Secret botToken, Set<Long> allowedUserIds, Set<Long> adminUserIds, URI apiBaseUrl,
    long uploadLimitBytes, boolean localApi) {

  /** The most a self-hosted Bot API server accepts: 2000 MB. */
  public static final long LOCAL_UPLOAD_LIMIT_BYTES = 2000L << 20;

  /** The most the cloud Bot API accepts: 50 MB. */
  public static final long CLOUD_UPLOAD_LIMIT_BYTES = 50L << 20;

  public TelegramConfig {
    Objects.requireNonNull(botToken, "botToken");
    Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
    allowedUserIds = Set.copyOf(allowedUserIds);
    adminUserIds = Set.copyOf(adminUserIds);
    if (uploadLimitBytes <= 0 || uploadLimitBytes > LOCAL_UPLOAD_LIMIT_BYTES) {
      throw new IllegalArgumentException(
          "uploadLimitBytes must be positive and at most 2000 MB: " + uploadLimitBytes);
    }
  }

  /** Settings without admins: nobody may ask for {@code /status}. */
  public TelegramConfig(Secret botToken, Set<Long> allowedUserIds, URI apiBaseUrl,
      long uploadLimitBytes, boolean localApi) {
    this(botToken, allowedUserIds, Set.of(), apiBaseUrl, uploadLimitBytes, localApi);
  }

  /** Whether the bot runs at all: only with a token. */
  public boolean enabled() {
    return !botToken.isEmpty();
  }
}
