package io.scoutbot.telegram;

import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;

/**
 * Sends local files into chats: mp4 and mov files as streamable videos, everything else as
 * documents, always streamed from disk. A file above the upload limit is never attempted (the
 * refusal says how to get it instead). Every send first passes the governor's gate (operation
 * {@code "telegram send"}) and takes a work slot; a 429 is waited out (the slot given back
 * meanwhile) and the send made once more; after a successful send the GC-after-upload policy runs.
 * Implementations are thread-safe and block the calling thread; an interrupt cancels the send.
 */
@FunctionalInterface
public interface FileDelivery {

  /**
   * Sends one file.
   *
   * @throws io.scoutbot.retry.ScoutFailure classified: permanent for a file over the limit, a
   *     blocked bot or a refused file; retry for a server or connection fault
   */
  Delivered deliver(DeliveryRequest request) throws InterruptedException;

  /** Delivery through {@code api}, governed by {@code gate} and {@code workLimit}. */
  static FileDelivery over(BotApi api, Gate gate, WorkLimit workLimit, GcPolicy gc) {
    return new TelegramDelivery(api, gate, workLimit, gc);
  }
}
