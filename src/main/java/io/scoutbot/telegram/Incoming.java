package io.scoutbot.telegram;

import java.time.Instant;
import java.util.Objects;

/**
 * What a user did that the bot must answer: a message (text, caption, a file) or a button press.
 * ScoutBot's own view of a Bot API update, so the bot does not depend on TelegramBots' types.
 * Immutable.
 */
public sealed interface Incoming {

  /** The update's id; ids grow, so a handler can drop one it has seen. */
  long updateId();

  /** The Telegram user who sent it. */
  long userId();

  /** The chat to answer in. */
  long chatId();

  /**
   * A message from a user.
   *
   * @param text the message text, or null
   * @param caption the caption of a file, or null
   * @param attachment the file sent with it, or null
   * @param replyTo the message this one answers (without its own reply), or null
   */
  record Message(
      long updateId, MessageRef ref, long userId, String userName, Instant date, String text,
      String caption, Attachment attachment, Message replyTo) implements Incoming {

    public Message {
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(date, "date");
    }

    @Override
    public long chatId() {
      return ref.chatId();
    }

    /** The text, or the caption of a file: where a command arrives either way. */
    public String command() {
      return text != null ? text : caption;
    }
  }

  /**
   * A press on an inline keyboard button.
   *
   * @param id to pass to {@link CallbackAnswers#answer}
   * @param message the message whose button was pressed, or null when it is too old to access
   * @param data the button's callback data
   */
  record Callback(long updateId, String id, long userId, long chatId, MessageRef message,
      String data) implements Incoming {

    public Callback {
      Objects.requireNonNull(id, "id");
    }
  }

  /** What kind of file a message carries; only documents keep their bytes untouched. */
  enum Kind {
    DOCUMENT,
    VIDEO,
    AUDIO,
    PHOTO
  }

  /**
   * A file sent with a message.
   *
   * @param fileId what {@code getFile} takes (and a send can reuse)
   * @param fileName as the user's client named it, or null (photos have none)
   * @param mimeType or null
   * @param size in bytes, or -1 when Telegram did not say
   */
  record Attachment(Kind kind, String fileId, String fileUniqueId, String fileName,
      String mimeType, long size) {

    public Attachment {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(fileId, "fileId");
    }
  }
}
