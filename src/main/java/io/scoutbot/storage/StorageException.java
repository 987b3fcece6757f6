package io.scoutbot.storage;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;

/**
 * A storage operation failed; the message says what went wrong and what the user can do, and the
 * disposition says whether to retry.
 */
public class StorageException extends ScoutFailure {

  public StorageException(String message, Disposition disposition) {
    super(message, disposition);
  }

  public StorageException(String message, Disposition disposition, Throwable cause) {
    super(message, disposition, cause);
  }
}
