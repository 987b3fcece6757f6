package io.scoutbot.telegram;

import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendVideo;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * {@link FileDelivery} with TelegramBots' {@code sendVideo} and {@code sendDocument}, from an
 * {@code InputFile(java.io.File)} (streamed by OkHttp; an {@code InputFile(InputStream)} would be
 * read whole into memory). Thread-safe; each send holds one work slot.
 *
 * <p>Video or document: a file whose name ends in .mp4, .m4v or .mov, or whose type is video/mp4
 * or video/quicktime, goes as a video with {@code supports_streaming}, so clients play it while it
 * loads; the size rule is the same for both (TELEGRAM_UPLOAD_LIMIT_MB), so "within limits" means
 * within the upload limit. Other videos (mkv, webm, avi) go as documents: Telegram's players would
 * not stream them anyway.
 */
final class TelegramDelivery implements FileDelivery {

  private static final Logger log = LoggerFactory.getLogger(TelegramDelivery.class);
  private static final String OPERATION = "telegram send";
  private static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "m4v", "mov");
  private static final Set<String> VIDEO_TYPES = Set.of("video/mp4", "video/quicktime");

  private final BotApi api;
  private final Gate gate;
  private final WorkLimit workLimit;
  private final GcPolicy gc;

  TelegramDelivery(BotApi api, Gate gate, WorkLimit workLimit, GcPolicy gc) {
    this.api = Objects.requireNonNull(api, "api");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.workLimit = Objects.requireNonNull(workLimit, "workLimit");
    this.gc = Objects.requireNonNull(gc, "gc");
  }

  @Override
  public Delivered deliver(DeliveryRequest request) throws InterruptedException {
    long size = size(request);
    api.limits().checkSend(request.name(), size, request.code());
    boolean video = streamableVideo(request.name(), request.mimeType());
    String method = video ? "sendvideo" : "senddocument";
    OkHttpTelegramClient client = api.client(BotApi.answerWait(size));
    Message sent;
    try {
      sent = sendOnce(request, video, method, client);
    } catch (BotApiFailure f) {
      // the slot was given back: another transfer may run while this one waits its turn
      if (!api.waitOut(method, f)) {
        throw f;
      }
      sent = sendOnce(request, video, method, client);
    }
    gc.afterUpload("telegram");
    String fileId = video && sent.getVideo() != null ? sent.getVideo().getFileId()
        : sent.getDocument() != null ? sent.getDocument().getFileId() : null;
    log.info("Sent {} ({} bytes) to chat {} as a {}", request.name(), size, request.chatId(),
        video ? "video" : "document");
    return new Delivered(new MessageRef(sent.getChatId(), sent.getMessageId()), fileId, size,
        video);
  }

  private Message sendOnce(DeliveryRequest r, boolean video, String method,
      OkHttpTelegramClient client) throws InterruptedException {
    gate.awaitCapacity(OPERATION);
    try (WorkLimit.Slot slot = workLimit.acquire(OPERATION)) {
      InputFile file = new InputFile(r.file().toFile(), partName(r.name()));
      String caption = r.caption().fit(Html.CAPTION_LIMIT).markup();
      ReplyParameters reply = r.replyTo() == null ? null
          : ReplyParameters.builder().messageId(r.replyTo().messageId())
              .allowSendingWithoutReply(true).build();
      if (video) {
        SendVideo send = SendVideo.builder().chatId(r.chatId()).video(file)
            .supportsStreaming(true).caption(caption).parseMode(ParseMode.HTML)
            .replyParameters(reply).build();
        return api.once(method, client, c -> c.executeAsync(send));
      }
      SendDocument send = SendDocument.builder().chatId(r.chatId()).document(file)
          .caption(caption).parseMode(ParseMode.HTML).replyParameters(reply).build();
      return api.once(method, client, c -> c.executeAsync(send));
    }
  }

  private static long size(DeliveryRequest r) {
    try {
      if (!Files.isRegularFile(r.file())) {
        throw new NoSuchFileException(r.file().toString());
      }
      return Files.size(r.file());
    } catch (NoSuchFileException e) {
      throw new ScoutFailure("cannot send " + r.name() + ": its local copy " + r.file()
          + " no longer exists", Disposition.PERMANENT, e);
    } catch (IOException e) {
      throw new ScoutFailure("cannot send " + r.name() + ": reading its local copy failed ("
          + e.getMessage() + ")", Disposition.RETRY, e);
    }
  }

  /** Whether Telegram can play the file while it loads: MP4 or QuickTime. */
  static boolean streamableVideo(String name, String mimeType) {
    if (mimeType != null && VIDEO_TYPES.contains(mimeType.toLowerCase(Locale.ROOT).strip())) {
      return true;
    }
    int dot = name.lastIndexOf('.');
    return dot >= 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * The multipart part and file name: TelegramBots names the part after the file and refers to it
   * as {@code attach://<name>}; OkHttp percent-encodes quotes and line breaks in the part header
   * but not in that reference, so those characters would break the link between the two.
   */
  static String partName(String name) {
    String n = name.replaceAll("[\"\\\\\\r\\n\\p{Cntrl}/]", "_").strip();
    return n.isEmpty() ? "file" : n;
  }
}
