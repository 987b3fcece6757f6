package io.scoutbot.files;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * What a front end asks to store: a local file, a URL or a file a user sent the bot, plus the name
 * the user knows it by and an optional tag the front end gets back with every event of the job.
 * Immutable; build it with the static factories.
 *
 * @param kind where the bytes come from
 * @param file the local file ({@link Kind#LOCAL_FILE})
 * @param copy for a local file: copy it into temp space first, so its owner may delete or move the
 *     original at once (the job owns the copy); otherwise the job reads it in place
 * @param url the URL ({@link Kind#URL})
 * @param telegramFileId the Telegram file id ({@link Kind#TELEGRAM_FILE})
 * @param name the user's name for the file; null lets the source decide (the local file's name,
 *     the URL's last path segment until the server names it)
 * @param size bytes when known up front (a Telegram document says), else -1
 * @param tag a front end's tag (at most 200 characters), returned with the job's events and
 *     views; null when none
 * @param mode where the fetched file goes: {@link Mode#STORAGE} always for the CLI; the bot's
 *     jobs answer in {@code chatId} and follow the user's {@code /mode}
 * @param chatId the Telegram chat a bot's job answers in; 0 for none
 */
public record Submission(
    Kind kind, Path file, boolean copy, URI url, String telegramFileId, String name, long size,
    String tag, Mode mode, long chatId) {

  /**
   * Where a fetched file goes: {@link #AUTO} sends a file up to PENTARACT_UPLOAD_THRESHOLD (and
   * within Telegram's limit) in the chat and stores larger ones; {@link #STORAGE} always stores;
   * {@link #CHAT} sends it in the chat whenever Telegram takes it. The words of the bot's
   * {@code /mode}.
   */
  public enum Mode {
    AUTO,
    STORAGE,
    CHAT;

    /** The lower-case word ({@code auto}). */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The kinds of source a job can have. */
  public enum Kind {
    LOCAL_FILE,
    URL,
    TELEGRAM_FILE
  }

  public Submission {
    Objects.requireNonNull(kind, "kind");
    switch (kind) {
      case LOCAL_FILE -> Objects.requireNonNull(file, "file");
      case URL -> {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
          throw new IllegalArgumentException("only http and https URLs can be fetched: " + url);
        }
      }
      case TELEGRAM_FILE -> Objects.requireNonNull(telegramFileId, "telegramFileId");
    }
    if (size < -1) {
      throw new IllegalArgumentException("size must be -1 (unknown) or more: " + size);
    }
    if (tag != null && tag.length() > 200) {
      throw new IllegalArgumentException("tags are at most 200 characters");
    }
    Objects.requireNonNull(mode, "mode");
    if (mode != Mode.STORAGE && chatId == 0) {
      throw new IllegalArgumentException(mode.word() + " needs the chat to answer in");
    }
  }

  /** A local file read in place: the job never deletes it, and it must stay until stored. */
  public static Submission localFile(Path file) {
    return new Submission(Kind.LOCAL_FILE, file, false, null, null, null, -1, null, Mode.STORAGE,
        0);
  }

  /** A local file copied into temp space first, so the original may go at once. */
  public static Submission localCopy(Path file) {
    return new Submission(Kind.LOCAL_FILE, file, true, null, null, null, -1, null, Mode.STORAGE,
        0);
  }

  /** A file to fetch from an http(s) URL (or a media page yt-dlp knows). */
  public static Submission url(URI url) {
    return new Submission(Kind.URL, null, false, url, null, null, -1, null, Mode.STORAGE, 0);
  }

  /** A file a user sent the bot: its file id, name and size as the message gave them. */
  public static Submission telegramFile(String fileId, String name, long size) {
    return new Submission(Kind.TELEGRAM_FILE, null, false, null, fileId, name, size, null,
        Mode.STORAGE, 0);
  }

  /** This submission under the user's name {@code name}. */
  public Submission named(String name) {
    return new Submission(kind, file, copy, url, telegramFileId, name, size, tag, mode, chatId);
  }

  /** This submission with a front end's tag. */
  public Submission tagged(String tag) {
    return new Submission(kind, file, copy, url, telegramFileId, name, size, tag, mode, chatId);
  }

  /** This submission answering in chat {@code chatId}, its fetched file going where {@code mode} says. */
  public Submission inChat(long chatId, Mode mode) {
    return new Submission(kind, file, copy, url, telegramFileId, name, size, tag, mode, chatId);
  }

  /** What the user gave, for messages: the path, the URL, or the file's name. */
  public String describe() {
    return switch (kind) {
      case LOCAL_FILE -> file.toString();
      case URL -> url.toString();
      case TELEGRAM_FILE -> name == null ? "the file you sent" : name;
    };
  }
}
