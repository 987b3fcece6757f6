package io.scoutbot.queue;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;

/**
 * A submission was refused because the user is at a queue limit; nothing was recorded. The message
 * says which limit and by how much. Retrying the same submission at once cannot help.
 */
public final class QueueLimitExceeded extends ScoutFailure {

  public QueueLimitExceeded(String message) {
    super(message, Disposition.PERMANENT);
  }
}
