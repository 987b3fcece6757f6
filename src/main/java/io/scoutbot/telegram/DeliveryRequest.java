package io.scoutbot.telegram;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file to send into a chat. Immutable.
 *
 * @param file the complete local file (a job's temp copy); sent from disk, never read into memory
 * @param name the name the user sees
 * @param caption shown under the file; cut to Telegram's 1024 characters if longer
 * @param mimeType the file's type if known, else null; with the name it decides video or document
 * @param code the file's code in storage, for the refusal of a file over the limit; may be null
 * @param replyTo the message to answer, or null
 */
public record DeliveryRequest(long chatId, Path file, String name, Html caption, String mimeType,
    String code, MessageRef replyTo) {

  public DeliveryRequest {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(caption, "caption");
  }
}
