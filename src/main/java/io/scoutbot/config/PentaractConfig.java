package io.scoutbot.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Settings of the Pentaract storage backend. Immutable; when {@code enabled}, the URL and credentials
 * are required.
 *
 * @param apiUrl base URL including {@code /api}
 * @param storage the Pentaract storage to use, by name or id
 * @param chatId Telegram channel id used to create {@code storage} when it does not exist
 * @param segmentBytes files larger than this are stored as several segment objects; 0 disables
 * @param uploadThresholdBytes downloads above this go to Pentaract, smaller ones are sent in the chat
 * @param timeout connect and idle-read timeout; never a cap on a whole transfer
 */
public record PentaractConfig(
    boolean enabled,
    URI apiUrl,
    String email,
    Secret password,
    String storage,
    OptionalLong chatId,
    long segmentBytes,
    long uploadThresholdBytes,
    int maxConcurrentUploads,
    Duration timeout,
    int retryAttempts,
    boolean autoCleanup,
    Duration cleanupInterval) {

  public PentaractConfig {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(chatId, "chatId");
    ResourceConfig.positive("timeout", timeout);
    ResourceConfig.positive("cleanupInterval", cleanupInterval);
    if (maxConcurrentUploads < 1) {
      throw new IllegalArgumentException("maxConcurrentUploads must be at least 1");
    }
    if (retryAttempts < 1) {
      throw new IllegalArgumentException("retryAttempts must be at least 1");
    }
    if (segmentBytes < 0 || uploadThresholdBytes < 0) {
      throw new IllegalArgumentException("sizes cannot be negative");
    }
    if (enabled && (apiUrl == null || email == null || email.isBlank() || password.isEmpty())) {
      throw new IllegalArgumentException(
          "Pentaract is enabled but the API URL, email or password is missing");
    }
  }

  /**
   * Whether a chat id still carries Telegram's -100 channel prefix, which Pentaract adds itself: an
   * id that starts with -100 and is as long as a full channel id would be prefixed twice.
   */
  public static boolean hasChannelPrefix(long chatId) {
    String digits = Long.toString(chatId).replace("-", "");
    return chatId < 0 && digits.startsWith("100") && digits.length() >= 13;
  }
}
