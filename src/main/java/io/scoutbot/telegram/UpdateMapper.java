package io.scoutbot.telegram;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.telegram.telegrambots.meta.api.objects.Audio;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.Video;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;

/**
 * Turns TelegramBots' updates into {@link Incoming}: user messages and button presses; everything
 * else (edits, channel posts, messages without a sender) is of no use to the bot and becomes null.
 * Stateless.
 */
final class UpdateMapper {

  private UpdateMapper() {}

  static Incoming map(Update u) {
    long id = u.getUpdateId();
    if (u.hasMessage()) {
      return message(id, u.getMessage(), true);
    }
    if (u.hasCallbackQuery()) {
      CallbackQuery q = u.getCallbackQuery();
      if (q.getFrom() == null || q.getData() == null) {
        return null;
      }
      MaybeInaccessibleMessage m = q.getMessage();
      MessageRef ref = m == null || m.getMessageId() == null || m.getMessageId() <= 0
          || m.getChatId() == null
          ? null
          : new MessageRef(m.getChatId(), m.getMessageId());
      long chat = m != null && m.getChatId() != null ? m.getChatId() : q.getFrom().getId();
      return new Incoming.Callback(id, q.getId(), q.getFrom().getId(), chat, ref, q.getData());
    }
    return null;
  }

  private static Incoming.Message message(long updateId, Message m, boolean withReply) {
    User from = m.getFrom();
    if (from == null || m.getChat() == null || m.getMessageId() == null) {
      return null;
    }
    Incoming.Message replyTo = withReply && m.getReplyToMessage() != null
        ? message(updateId, m.getReplyToMessage(), false)
        : null;
    String name = from.getUserName() != null ? from.getUserName() : from.getFirstName();
    return new Incoming.Message(updateId, new MessageRef(m.getChatId(), m.getMessageId()),
        from.getId(), name, Instant.ofEpochSecond(m.getDate() == null ? 0 : m.getDate()),
        m.getText(), m.getCaption(), attachment(m), replyTo);
  }

  private static Incoming.Attachment attachment(Message m) {
    if (m.hasDocument()) {
      Document d = m.getDocument();
      return new Incoming.Attachment(Incoming.Kind.DOCUMENT, d.getFileId(), d.getFileUniqueId(),
          d.getFileName(), d.getMimeType(), size(d.getFileSize()));
    }
    if (m.hasVideo()) {
      Video v = m.getVideo();
      return new Incoming.Attachment(Incoming.Kind.VIDEO, v.getFileId(), v.getFileUniqueId(),
          v.getFileName(), v.getMimeType(), size(v.getFileSize()));
    }
    if (m.hasAudio()) {
      Audio a = m.getAudio();
      return new Incoming.Attachment(Incoming.Kind.AUDIO, a.getFileId(), a.getFileUniqueId(),
          a.getFileName(), a.getMimeType(), size(a.getFileSize()));
    }
    if (m.hasPhoto()) {
      List<PhotoSize> sizes = m.getPhoto();
      // the largest rendition: Telegram lists them smallest first, but say so in code
      PhotoSize p = sizes.stream()
          .max(Comparator.comparingLong(s -> (long) nz(s.getWidth()) * nz(s.getHeight())))
          .orElseThrow();
      return new Incoming.Attachment(Incoming.Kind.PHOTO, p.getFileId(), p.getFileUniqueId(),
          null, "image/jpeg", p.getFileSize() == null ? -1 : p.getFileSize());
    }
    return null;
  }

  private static long size(Long s) {
    return s == null ? -1 : s;
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }
}
