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

  PentaractFailure(String message, Disposition disposition, OptionalInt status, boolean outage,
      Throwable cause) {
    super(message, disposition, cause);
    this.status = status;
    this.outage = outage;
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
