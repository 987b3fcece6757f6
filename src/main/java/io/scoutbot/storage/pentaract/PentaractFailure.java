package io.scoutbot.storage.pentaract;

import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.StorageException;
import java.util.OptionalInt;

/**
 * A failed Pentaract call, classified where the cause was known: the message for the user, the
 * disposition, the HTTP status if there was an answer, and whether it counts as an outage (Pentaract
 * unreachable or a gateway in front of it failing) for the circuit breaker.
 */
final class PentaractFailure extends StorageException {

  private final OptionalInt status;
  private final boolean outage;
  private final String reason;

  PentaractFailure(String message, Disposition disposition, OptionalInt status, boolean outage,
      Throwable cause) {
    this(message, disposition, status, outage, message, cause);
  }

  /**
   * @param reason the cause in a few words ("Connection refused", "HTTP 503"), for messages that
   *     quote it, such as the circuit breaker's
   */
  PentaractFailure(String message, Disposition disposition, OptionalInt status, boolean outage,
      String reason, Throwable cause) {
    super(message, disposition, cause);
    this.status = status;
    this.outage = outage;
    this.reason = reason;
  }

  /** The cause in a few words. */
  String reason() {
    return reason;
  }

  /** The HTTP status Pentaract answered with; empty when there was no answer. */
  OptionalInt status() {
    return status;
  }

  /** True when Pentaract could not be reached or a gateway said it is down. */
  boolean outage() {
    return outage;
  }
}
