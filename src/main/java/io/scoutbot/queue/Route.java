package io.scoutbot.queue;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a job's fetched file goes: the storage, or the chat it came from. Immutable.
 *
 * @param kind how it is decided
 * @param chatId the Telegram chat to answer in; 0 for {@link Kind#STORE}
 */
public record Route(Kind kind, long chatId) {

  /** How the destination is decided. */
  public enum Kind {
    /** Always stored. */
    STORE,
    /** Sent in the chat when Telegram takes it (within its upload limit), else stored. */
    CHAT,
    /**
     * Sent in the chat when at most PENTARACT_UPLOAD_THRESHOLD (and within Telegram's limit),
     * else stored; if storing fails for good and the chat can take it, sent there instead.
     */
    AUTO;

    public String dbValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind fromDb(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  /** Always stored. */
  public static final Route STORE = new Route(Kind.STORE, 0);

  public Route {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.STORE && chatId == 0) {
      throw new IllegalArgumentException(kind + " needs the chat to answer in");
    }
  }

  /**
   * Whether a fetched file of {@code size} bytes goes to the chat.
   *
   * @param storeAbove PENTARACT_UPLOAD_THRESHOLD in bytes: auto routes send files up to it
   * @param chatLimit the most the chat takes (TELEGRAM_UPLOAD_LIMIT_MB)
   */
  public boolean toChat(long size, long storeAbove, long chatLimit) {
    return switch (kind) {
      case STORE -> false;
      case CHAT -> size <= chatLimit;
      case AUTO -> size <= storeAbove && size <= chatLimit;
    };
  }

  /** Whether a file that cannot be stored may go to the chat instead. */
  public boolean fallsBackToChat(long size, long chatLimit) {
    return kind != Kind.STORE && size <= chatLimit;
  }
}
