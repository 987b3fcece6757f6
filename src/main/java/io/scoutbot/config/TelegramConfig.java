package io.scoutbot.config;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the Telegram bot. Immutable.
 *
 * @param allowedUserIds users allowed to use the bot; empty means everyone
 * @param apiBaseUrl Bot API server: the cloud one, a local Bot API server, or a test fake
 * @param uploadLimitBytes largest file the bot may send (50 MB cloud, 2000 MB local server)
 */
public record TelegramConfig(
    Secret botToken, Set<Long> allowedUserIds, URI apiBaseUrl, long uploadLimitBytes) {

  public TelegramConfig {
    Objects.requireNonNull(botToken, "botToken");
    Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
    allowedUserIds = Set.copyOf(allowedUserIds);
    if (uploadLimitBytes <= 0) {
      throw new IllegalArgumentException("uploadLimitBytes must be positive");
    }
  }
}
